#include "serving/model_scorer.h"

#include <algorithm>

#include "common/logging.h"
#include "features/feature_schema.h"

namespace ntscada {
namespace {

severity probability_severity(double p) {
  if (p >= 0.9) return severity::high;
  if (p >= 0.7) return severity::medium;
  return severity::low;
}

bool beyond_critical(operational_state state) {
  return state == operational_state::critically_low ||
         state == operational_state::critically_high;
}

}  // namespace

model_scorer::model_scorer(envelope_table rules, model_scoring_options options)
    : rules_(std::move(rules)),
      options_(options),
      anomaly_features_(no_statistics_),
      state_features_(no_statistics_),
      detector_(rules_.detector()) {}

void model_scorer::install(std::shared_ptr<const model_pair> models) {
  std::lock_guard lock(pending_mutex_);
  pending_ = std::move(models);
  has_pending_ = true;
}

void model_scorer::apply_pending() {
  std::shared_ptr<const model_pair> next;
  {
    std::lock_guard lock(pending_mutex_);
    if (!has_pending_) return;
    has_pending_ = false;
    next = std::move(pending_);
  }
  std::string previous = detector_;
  active_ = std::move(next);
  if (active_) {
    anomaly_features_.extractor.rebind(
        active_->anomaly.bundle.metadata.statistics);
    state_features_.extractor.rebind(active_->state.bundle.metadata.statistics);
    detector_ = active_->detector;
  } else {
    anomaly_features_.extractor.rebind(no_statistics_);
    state_features_.extractor.rebind(no_statistics_);
    detector_ = rules_.detector();
  }
  module_logger("serving")->info("scoring switched from {} to {}", previous,
                                 detector_);
}

std::uint32_t model_scorer::slot_of(feature_path& path, const reading& r) {
  return path.extractor.intern(sensor_info{
      r.sensor_id, r.sensor_type, r.asset_id.value_or(std::string()), r.unit});
}

void model_scorer::score_batch(std::span<const reading> readings,
                               std::span<score> out) {
  apply_pending();
  constexpr std::size_t columns = feature_names.size();
  std::size_t rows = readings.size();
  anomaly_features_.matrix.resize(rows * columns);
  state_features_.matrix.resize(rows * columns);
  warming_up_.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    const reading& r = readings[i];
    std::uint32_t slot = slot_of(anomaly_features_, r);
    anomaly_features_.extractor.extract(
        slot, r.timestamp, r.value,
        std::span(anomaly_features_.matrix).subspan(i * columns, columns));
    warming_up_[i] =
        anomaly_features_.extractor.window_size(slot) < rolling_windows.back();
    std::uint32_t state_slot = slot_of(state_features_, r);
    state_features_.extractor.extract(
        state_slot, r.timestamp, r.value,
        std::span(state_features_.matrix).subspan(i * columns, columns));
  }

  std::vector<float> anomaly_probability;
  std::vector<float> state_probability;
  if (active_ && rows > 0) {
    auto anomaly = active_->anomaly.bundle.model.predict(
        {anomaly_features_.matrix.data(), rows, columns});
    auto state = active_->state.bundle.model.predict(
        {state_features_.matrix.data(), rows, columns});
    if (anomaly && state) {
      anomaly_probability = std::move(anomaly.value());
      state_probability = std::move(state.value());
    } else {
      std::uint64_t suppressed = 0;
      if (prediction_errors_.allow(suppressed)) {
        module_logger("serving")->error(
            "{}: prediction failed, batch of {} scored with rules ({} similar "
            "errors suppressed): {}",
            detector_, rows, suppressed,
            anomaly ? state.error() : anomaly.error());
      }
    }
  }
  if (anomaly_probability.empty()) {
    rules_.score_batch(readings, out);
    return;
  }

  constexpr std::size_t classes = all_operational_states.size();
  for (std::size_t i = 0; i < rows; ++i) {
    score rule = rules_.score_one(readings[i]);
    double p = anomaly_probability[i];
    score& s = out[i];
    bool critical = beyond_critical(rule.state);
    s.anomaly = p >= options_.anomaly_threshold || critical;
    s.confidence = p >= options_.anomaly_threshold ? p : 1.0 - p;
    if (critical && p < options_.anomaly_threshold) {
      s.confidence = rule.confidence;
    }
    const float* row = state_probability.data() + i * classes;
    s.state = all_operational_states[static_cast<std::size_t>(
        std::max_element(row, row + classes) - row)];
    if (!s.anomaly) {
      s.level = severity::low;
    } else if (critical) {
      s.level = severity::critical;
    } else {
      s.level = std::max(rule.level, probability_severity(p));
    }
    s.kind = rule.kind;
    s.warming_up = warming_up_[i] != 0;
  }
}

}  // namespace ntscada

#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/logging.h"
#include "features/feature_extractor.h"
#include "rules/rule_scorer.h"
#include "scoring/scorer.h"
#include "serving/model_pair.h"

namespace ntscada {

struct model_scoring_options {
  // A reading is anomalous when the anomaly model's probability is at least
  // this.
  double anomaly_threshold = 0.5;
};

// Scores readings with a trained model pair when one is installed and with
// the envelope rules otherwise. Each micro-batch is scored with two
// XGBoost calls (anomaly and state), never one call per reading.
//
// Verdict with models, for anomaly probability p and threshold t:
//   anomaly     p >= t, or the reading is beyond a critical envelope limit
//               (a hard limit alarms whatever the model's probability);
//   confidence  p when anomalous, else 1 - p; at least the rule confidence
//               when a critical limit forced the anomaly;
//   state       the state model's most probable class;
//   severity    LOW when not anomalous; otherwise the higher of the
//               envelope severity (position of the value in its envelope)
//               and the probability severity (HIGH from p >= 0.9, MEDIUM
//               from p >= 0.7, else LOW); CRITICAL beyond a critical limit;
//   category    from the sensor type, as with rules.
// `warming_up` is set while the sensor has fewer readings than the longest
// feature window.
//
// Feature state (rolling windows per sensor) is kept across batches and
// across model swaps, and is filled while rules score, so a model
// installed later needs no warm-up.
//
// Threads: score_batch and detector run on the processing thread only.
// install may be called from any thread and takes effect at the start of
// the next batch, so a batch is never scored by two models.
class model_scorer final : public scorer {
 public:
  model_scorer(envelope_table rules, model_scoring_options options = {});

  // Hands over a loaded pair, or nullptr to go back to the rules.
  void install(std::shared_ptr<const model_pair> models);

  void score_batch(std::span<const reading> readings,
                   std::span<score> out) override;
  const std::string& detector() const override { return detector_; }

 private:
  // The feature path of one model: its extractor and its feature matrix.
  struct feature_path {
    explicit feature_path(const reference_statistics& statistics)
        : extractor(statistics) {}
    feature_extractor extractor;
    std::vector<float> matrix;
  };

  void apply_pending();
  std::uint32_t slot_of(feature_path& path, const reading& r);

  rule_scorer rules_;
  model_scoring_options options_;
  reference_statistics no_statistics_;
  feature_path anomaly_features_;
  feature_path state_features_;
  // Per row of the batch: 1 while the sensor's windows are not full.
  std::vector<std::uint8_t> warming_up_;
  std::shared_ptr<const model_pair> active_;
  std::string detector_;
  log_rate_limiter prediction_errors_;

  std::mutex pending_mutex_;
  bool has_pending_ = false;
  std::shared_ptr<const model_pair> pending_;
};

}  // namespace ntscada

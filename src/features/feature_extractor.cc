#include "features/feature_extractor.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace ntscada {
namespace {

struct window_statistics {
  double mean;
  double standard_deviation;
  double minimum;
  double maximum;
};

// Statistics of the newest `size` values of a ring buffer whose next write
// position is `next`. Two passes over at most 30 values, in a fixed order,
// so batch and online paths agree exactly.
template <std::size_t N>
window_statistics compute_window(const std::array<double, N>& ring,
                                 std::size_t next, std::size_t size) {
  auto at = [&](std::size_t age) { return ring[(next + N - 1 - age) % N]; };
  double sum = 0;
  double minimum = at(0);
  double maximum = at(0);
  for (std::size_t age = 0; age < size; ++age) {
    double v = at(age);
    sum += v;
    minimum = std::min(minimum, v);
    maximum = std::max(maximum, v);
  }
  double mean = sum / static_cast<double>(size);
  double squares = 0;
  for (std::size_t age = 0; age < size; ++age) {
    double d = at(age) - mean;
    squares += d * d;
  }
  return {mean, std::sqrt(squares / static_cast<double>(size)), minimum,
          maximum};
}

std::size_t type_index(std::string_view sensor_type) {
  auto it = std::find(featured_sensor_types.begin(),
                      featured_sensor_types.end(), sensor_type);
  return static_cast<std::size_t>(it - featured_sensor_types.begin());
}

}  // namespace

feature_extractor::feature_extractor(const reference_statistics& statistics)
    : statistics_(&statistics), assets_(1) {}

std::uint32_t feature_extractor::intern(const sensor_info& sensor) {
  auto [it, inserted] = slots_.try_emplace(
      sensor.sensor_id, static_cast<std::uint32_t>(sensors_.size()));
  if (!inserted) return it->second;

  sensor_state state;
  state.sensor_id = sensor.sensor_id;
  state.sensor_type = sensor.sensor_type;
  state.statistics = &statistics_->find(sensor.sensor_id, sensor.sensor_type);
  state.type = type_index(sensor.sensor_type);
  if (!sensor.asset_id.empty()) {
    auto [asset, added] = asset_slots_.try_emplace(
        sensor.asset_id, static_cast<std::uint32_t>(assets_.size()));
    if (added) assets_.emplace_back();
    state.asset = asset->second;
    assets_[state.asset].push_back({it->second, state.type, 0.0});
  }
  sensors_.push_back(state);
  return it->second;
}

void feature_extractor::rebind(const reference_statistics& statistics) {
  statistics_ = &statistics;
  for (sensor_state& sensor : sensors_) {
    sensor.statistics = &statistics.find(sensor.sensor_id, sensor.sensor_type);
  }
}

std::size_t feature_extractor::window_size(std::uint32_t slot) const {
  return sensors_[slot].count;
}

void feature_extractor::extract(std::uint32_t slot, epoch_ns timestamp,
                                double value, std::span<float> out) {
  sensor_state& sensor = sensors_[slot];
  const value_statistics& ref = *sensor.statistics;
  double scale = ref.scale();
  double range = ref.maximum > ref.minimum ? ref.maximum - ref.minimum : 1.0;

  sensor.window[sensor.next] = value;
  sensor.next = (sensor.next + 1) % kWindow;
  sensor.count = std::min(sensor.count + 1, kWindow);

  using namespace std::chrono;
  sys_time<nanoseconds> time{nanoseconds{timestamp}};
  sys_days day = floor<days>(time);
  year_month_day date{day};
  hh_mm_ss clock{time - day};
  weekday week_day{day};

  std::size_t f = 0;
  auto put = [&](double x) { out[f++] = static_cast<float>(x); };
  put(static_cast<double>(clock.hours().count()));
  put(static_cast<double>(week_day.iso_encoding() - 1));
  put(static_cast<double>(static_cast<unsigned>(date.day())));
  double z = (value - ref.mean) / scale;
  put(z);
  put((value - ref.minimum) / range);
  put((value - ref.median) / scale);
  put(ref.skewness);
  put(ref.kurtosis);
  for (std::size_t window : rolling_windows) {
    window_statistics w = compute_window(sensor.window, sensor.next,
                                         std::min(window, sensor.count));
    put((w.mean - ref.mean) / scale);
    put(w.standard_deviation / scale);
    put((w.minimum - ref.mean) / scale);
    put((w.maximum - ref.mean) / scale);
  }
  put(static_cast<double>(sensor.count) / static_cast<double>(kWindow));

  // Asset context: the mean latest z of the asset's other sensors per type.
  std::array<double, featured_sensor_types.size()> sums{};
  std::array<int, featured_sensor_types.size()> counts{};
  if (sensor.asset != 0) {
    for (asset_member& member : assets_[sensor.asset]) {
      if (member.sensor == slot) {
        member.latest_z = z;
        continue;
      }
      if (member.type == kNoType || sensors_[member.sensor].count == 0) {
        continue;
      }
      sums[member.type] += member.latest_z;
      ++counts[member.type];
    }
  }
  for (std::size_t t = 0; t < sums.size(); ++t) {
    put(counts[t] > 0 ? sums[t] / counts[t] : 0.0);
  }
  for (std::size_t t = 0; t < featured_sensor_types.size(); ++t) {
    put(sensor.type == t ? 1.0 : 0.0);
  }
}

std::vector<float> extract_features(const reading_history& history,
                                    const reference_statistics& statistics) {
  feature_extractor extractor(statistics);
  std::vector<std::uint32_t> slot_of(history.sensors().size());
  for (std::size_t i = 0; i < history.sensors().size(); ++i) {
    slot_of[i] = extractor.intern(history.sensors()[i]);
  }
  std::vector<float> matrix(history.size() * feature_count);
  for (std::size_t row = 0; row < history.size(); ++row) {
    extractor.extract(
        slot_of[history.sensor_column()[row]], history.timestamps()[row],
        history.values()[row],
        std::span<float>(matrix.data() + row * feature_count, feature_count));
  }
  return matrix;
}

}  // namespace ntscada

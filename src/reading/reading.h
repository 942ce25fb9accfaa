#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ntscada {

// Nanoseconds since 1970-01-01T00:00:00Z, without leap seconds.
using epoch_ns = std::int64_t;

// Ground truth carried by replayed and simulated readings, so that outputs
// can be scored against it downstream. Production readings carry none.
struct reading_labels {
  std::optional<bool> anomaly;
  std::optional<bool> changepoint;
};

// One validated sensor reading. `value` is finite and in the canonical unit
// of `sensor_type` (see units.h); `original_value` and `original_unit` are
// set only when the parser converted the reading from another unit.
struct reading {
  std::string sensor_id;
  std::string sensor_type;
  double value = 0.0;
  std::string unit;
  epoch_ns timestamp = 0;
  std::optional<std::string> asset_id;
  std::optional<std::string> quality;
  std::optional<double> original_value;
  std::optional<std::string> original_unit;
  reading_labels labels;
  // True when `value` arrived as a JSON string holding a number.
  bool value_was_string = false;
};

}  // namespace ntscada

#pragma once

#include <optional>
#include <string_view>

#include "common/result.h"
#include "reading/reject_reason.h"

namespace ntscada {

// A value converted to the canonical unit of its sensor type.
struct canonical_value {
  double value;
  std::string_view unit;
  bool converted;
};

// Returns the canonical unit of a known sensor type: "C" for temperature,
// "bar" for pressure, "l/min" for flow_rate, "g" (acceleration RMS) for
// vibration, "V" for voltage and "A" for current; nullopt for other types.
std::optional<std::string_view> canonical_unit(std::string_view sensor_type);

// Converts `value` in `unit` to the canonical unit of `sensor_type`. Units
// are matched exactly, against a fixed alias table (for example "°F",
// "degF" and "F" are all Fahrenheit). A unit of another quantity is
// rejected with unit_incompatible and a unit in no table with unit_unknown.
// Sensor types without a canonical unit accept any unit unchanged.
result<canonical_value, rejection> to_canonical_unit(
    std::string_view sensor_type, std::string_view unit, double value);

}  // namespace ntscada

#include "reading/units.h"

#include <fmt/format.h>

#include <array>

namespace ntscada {
namespace {

// canonical = value * scale + offset.
struct unit_alias {
  std::string_view sensor_type;
  std::string_view unit;
  double scale;
  double offset;
};

constexpr double kFahrenheitScale = 5.0 / 9.0;

constexpr std::array kUnitAliases = {
    unit_alias{"temperature", "C", 1.0, 0.0},
    unit_alias{"temperature", "°C", 1.0, 0.0},
    unit_alias{"temperature", "degC", 1.0, 0.0},
    unit_alias{"temperature", "celsius", 1.0, 0.0},
    unit_alias{"temperature", "F", kFahrenheitScale, -32.0 * kFahrenheitScale},
    unit_alias{"temperature", "°F", kFahrenheitScale, -32.0 * kFahrenheitScale},
    unit_alias{"temperature", "degF", kFahrenheitScale,
               -32.0 * kFahrenheitScale},
    unit_alias{"temperature", "fahrenheit", kFahrenheitScale,
               -32.0 * kFahrenheitScale},
    unit_alias{"temperature", "K", 1.0, -273.15},
    unit_alias{"temperature", "kelvin", 1.0, -273.15},
    unit_alias{"pressure", "bar", 1.0, 0.0},
    unit_alias{"pressure", "mbar", 1e-3, 0.0},
    unit_alias{"pressure", "Pa", 1e-5, 0.0},
    unit_alias{"pressure", "kPa", 1e-2, 0.0},
    unit_alias{"pressure", "MPa", 10.0, 0.0},
    unit_alias{"pressure", "psi", 0.0689475729, 0.0},
    unit_alias{"pressure", "atm", 1.01325, 0.0},
    unit_alias{"flow_rate", "l/min", 1.0, 0.0},
    unit_alias{"flow_rate", "L/min", 1.0, 0.0},
    unit_alias{"flow_rate", "lpm", 1.0, 0.0},
    unit_alias{"flow_rate", "l/s", 60.0, 0.0},
    unit_alias{"flow_rate", "L/s", 60.0, 0.0},
    unit_alias{"flow_rate", "m3/h", 1000.0 / 60.0, 0.0},
    unit_alias{"flow_rate", "m³/h", 1000.0 / 60.0, 0.0},
    unit_alias{"flow_rate", "gpm", 3.785411784, 0.0},
    unit_alias{"vibration", "g", 1.0, 0.0},
    unit_alias{"vibration", "m/s2", 1.0 / 9.80665, 0.0},
    unit_alias{"vibration", "m/s²", 1.0 / 9.80665, 0.0},
    unit_alias{"voltage", "V", 1.0, 0.0},
    unit_alias{"voltage", "mV", 1e-3, 0.0},
    unit_alias{"voltage", "kV", 1e3, 0.0},
    unit_alias{"current", "A", 1.0, 0.0},
    unit_alias{"current", "mA", 1e-3, 0.0},
    unit_alias{"current", "kA", 1e3, 0.0},
};

// Units of other quantities that are common on plant floors. A reading in
// one of these for a known type is a configuration error on the device
// (unit_incompatible), not an unknown spelling (unit_unknown).
constexpr std::array<std::string_view, 8> kOtherKnownUnits = {
    "%", "mm/s", "in/s", "Hz", "rpm", "W", "kW", "Ohm"};

}  // namespace

std::optional<std::string_view> canonical_unit(std::string_view sensor_type) {
  for (const unit_alias& alias : kUnitAliases) {
    if (alias.sensor_type == sensor_type) return alias.unit;
  }
  return std::nullopt;
}

result<canonical_value, rejection> to_canonical_unit(
    std::string_view sensor_type, std::string_view unit, double value) {
  auto canonical = canonical_unit(sensor_type);
  if (!canonical) return canonical_value{value, unit, false};

  bool known_elsewhere = false;
  for (const unit_alias& alias : kUnitAliases) {
    if (alias.unit != unit) continue;
    if (alias.sensor_type != sensor_type) {
      known_elsewhere = true;
      continue;
    }
    bool converted = alias.scale != 1.0 || alias.offset != 0.0;
    return canonical_value{value * alias.scale + alias.offset, *canonical,
                           converted};
  }
  for (std::string_view other : kOtherKnownUnits) {
    if (other == unit) known_elsewhere = true;
  }
  if (known_elsewhere) {
    return failure{rejection{
        reject_reason::unit_incompatible,
        fmt::format("unit '{}' cannot measure {}; expected a unit convertible "
                    "to {}",
                    unit, sensor_type, *canonical)}};
  }
  return failure{rejection{
      reject_reason::unit_unknown,
      fmt::format("unit '{}' is not a known unit for {}; expected {} or one "
                  "of its documented aliases",
                  unit, sensor_type, *canonical)}};
}

}  // namespace ntscada

#pragma once

#include <array>
#include <string_view>

namespace ntscada {

// The seven bands that an envelope's six limits cut, from lowest to highest.
enum class operational_state {
  critically_low,
  low,
  below_optimal,
  optimal,
  above_optimal,
  high,
  critically_high,
};

inline constexpr std::array all_operational_states = {
    operational_state::critically_low,  operational_state::low,
    operational_state::below_optimal,   operational_state::optimal,
    operational_state::above_optimal,   operational_state::high,
    operational_state::critically_high,
};

// Alarm severity, growing with the distance outside the normal band.
enum class severity { low, medium, high, critical };

inline constexpr std::array all_severities = {
    severity::low, severity::medium, severity::high, severity::critical};

enum class category { thermal_pressure, mechanical, electrical, other };

// Returns the upper-case name used in output records, e.g. "CRITICALLY_LOW".
std::string_view to_string(operational_state state);
std::string_view to_string(severity level);
std::string_view to_string(category kind);

// THERMAL_PRESSURE for temperature and pressure, MECHANICAL for vibration
// and flow_rate, ELECTRICAL for voltage and current, OTHER for any other
// type. Matching is exact and case-sensitive.
category category_of(std::string_view sensor_type);

}  // namespace ntscada

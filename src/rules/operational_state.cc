#include "rules/operational_state.h"

namespace ntscada {

std::string_view to_string(operational_state state) {
  switch (state) {
    case operational_state::critically_low:
      return "CRITICALLY_LOW";
    case operational_state::low:
      return "LOW";
    case operational_state::below_optimal:
      return "BELOW_OPTIMAL";
    case operational_state::optimal:
      return "OPTIMAL";
    case operational_state::above_optimal:
      return "ABOVE_OPTIMAL";
    case operational_state::high:
      return "HIGH";
    case operational_state::critically_high:
      return "CRITICALLY_HIGH";
  }
  return "UNKNOWN";
}

std::string_view to_string(severity level) {
  switch (level) {
    case severity::low:
      return "LOW";
    case severity::medium:
      return "MEDIUM";
    case severity::high:
      return "HIGH";
    case severity::critical:
      return "CRITICAL";
  }
  return "UNKNOWN";
}

std::string_view to_string(category kind) {
  switch (kind) {
    case category::thermal_pressure:
      return "THERMAL_PRESSURE";
    case category::mechanical:
      return "MECHANICAL";
    case category::electrical:
      return "ELECTRICAL";
    case category::other:
      return "OTHER";
  }
  return "UNKNOWN";
}

category category_of(std::string_view sensor_type) {
  if (sensor_type == "temperature" || sensor_type == "pressure") {
    return category::thermal_pressure;
  }
  if (sensor_type == "vibration" || sensor_type == "flow_rate") {
    return category::mechanical;
  }
  if (sensor_type == "voltage" || sensor_type == "current") {
    return category::electrical;
  }
  return category::other;
}

}  // namespace ntscada

#include "rules/envelope.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace ntscada {

std::string_view to_string(anomaly_band band) {
  switch (band) {
    case anomaly_band::lo_hi:
      return "lo_hi";
    case anomaly_band::lolo_hihi:
      return "lolo_hihi";
    case anomaly_band::optimal:
      return "optimal";
  }
  return "unknown";
}

std::optional<anomaly_band> parse_anomaly_band(std::string_view text) {
  for (auto band :
       {anomaly_band::lo_hi, anomaly_band::lolo_hihi, anomaly_band::optimal}) {
    if (to_string(band) == text) return band;
  }
  return std::nullopt;
}

std::string envelope::validate() const {
  std::array<double, 6> limits{lolo, lo, optimal_low, optimal_high, hi, hihi};
  static constexpr std::array<std::string_view, 6> kNames{
      "LoLo", "Lo", "optimal-low", "optimal-high", "Hi", "HiHi"};
  for (std::size_t i = 0; i < limits.size(); ++i) {
    if (!std::isfinite(limits[i])) {
      return fmt::format("{} is not a finite number", kNames[i]);
    }
    if (i > 0 && !(limits[i - 1] < limits[i])) {
      return fmt::format("{} ({}) is not below {} ({})", kNames[i - 1],
                         limits[i - 1], kNames[i], limits[i]);
    }
  }
  return {};
}

operational_state classify(const envelope& limits, double value) {
  if (value < limits.lolo) return operational_state::critically_low;
  if (value < limits.lo) return operational_state::low;
  if (value < limits.optimal_low) return operational_state::below_optimal;
  if (value <= limits.optimal_high) return operational_state::optimal;
  if (value <= limits.hi) return operational_state::above_optimal;
  if (value <= limits.hihi) return operational_state::high;
  return operational_state::critically_high;
}

namespace {

// The anomaly limits of a rule and the distance that counts as "one band
// width" beyond each of them.
struct anomaly_limits {
  double low;
  double high;
  double low_scale;
  double high_scale;
};

anomaly_limits limits_of(const envelope_rule& rule) {
  const envelope& e = rule.limits;
  switch (rule.band) {
    case anomaly_band::lolo_hihi:
      return {e.lolo, e.hihi, e.lo - e.lolo, e.hihi - e.hi};
    case anomaly_band::optimal:
      return {e.optimal_low, e.optimal_high, e.optimal_low - e.lo,
              e.hi - e.optimal_high};
    case anomaly_band::lo_hi:
      break;
  }
  return {e.lo, e.hi, e.lo - e.lolo, e.hihi - e.hi};
}

}  // namespace

bool is_anomalous(const envelope_rule& rule, double value) {
  anomaly_limits limits = limits_of(rule);
  return value < limits.low || value > limits.high;
}

severity severity_of(const envelope& limits, double value) {
  if (value < limits.lolo || value > limits.hihi) return severity::critical;
  if (value > limits.hi) {
    double halfway = limits.hi + (limits.hihi - limits.hi) / 2;
    return value <= halfway ? severity::medium : severity::high;
  }
  if (value < limits.lo) {
    double halfway = limits.lo - (limits.lo - limits.lolo) / 2;
    return value >= halfway ? severity::medium : severity::high;
  }
  return severity::low;
}

double rule_confidence(const envelope_rule& rule, double value) {
  anomaly_limits limits = limits_of(rule);
  double fraction = 0;
  if (value > limits.high) {
    fraction = (value - limits.high) / limits.high_scale;
  } else if (value < limits.low) {
    fraction = (limits.low - value) / limits.low_scale;
  } else {
    double half_width = (limits.high - limits.low) / 2;
    fraction = std::min(value - limits.low, limits.high - value) / half_width;
  }
  return 0.5 + 0.5 * std::clamp(fraction, 0.0, 1.0);
}

}  // namespace ntscada

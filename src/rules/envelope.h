#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/operational_state.h"

namespace ntscada {

// The limits outside which a reading is an anomaly.
enum class anomaly_band {
  lo_hi,      // below Lo or above Hi (the default)
  lolo_hihi,  // below LoLo or above HiHi
  optimal,    // outside [optimal-low, optimal-high]
};

std::string_view to_string(anomaly_band band);
std::optional<anomaly_band> parse_anomaly_band(std::string_view text);

// An operating envelope in the canonical unit of its sensor type, with
// lolo < lo < optimal_low < optimal_high < hi < hihi.
//
// Boundary rule: a value exactly on a limit belongs to the band nearer to
// OPTIMAL, so being on a limit never raises the state. For example with the
// default limits 10, 20, 30, 70, 80, 90: 10 is LOW, 20 is BELOW_OPTIMAL,
// 30 and 70 are OPTIMAL, 80 is ABOVE_OPTIMAL and 90 is HIGH. Likewise a
// value on the anomaly limit (Lo or Hi by default) is not anomalous.
struct envelope {
  double lolo = 10;
  double lo = 20;
  double optimal_low = 30;
  double optimal_high = 70;
  double hi = 80;
  double hihi = 90;

  // Returns an empty string when the limits are finite and strictly
  // increasing, else a description of the first violation.
  std::string validate() const;
};

// Limits plus the anomaly rule that applies to one sensor or sensor type.
struct envelope_rule {
  envelope limits;
  anomaly_band band = anomaly_band::lo_hi;
};

operational_state classify(const envelope& limits, double value);

bool is_anomalous(const envelope_rule& rule, double value);

// Severity by distance outside the normal band [lo, hi]: LOW inside it,
// MEDIUM up to half-way to the critical limit (lolo or hihi), HIGH from
// half-way up to and including the critical limit, CRITICAL beyond it.
severity severity_of(const envelope& limits, double value);

// Confidence in the rule's binary verdict, in [0.5, 1]: 0.5 exactly on the
// anomaly limit, rising linearly to 1.0 at the middle of the normal band on
// the inside, and at one outer band width beyond the limit on the outside.
double rule_confidence(const envelope_rule& rule, double value);

}  // namespace ntscada

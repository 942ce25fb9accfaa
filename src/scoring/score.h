#pragma once

#include "rules/operational_state.h"

namespace ntscada {

// The verdict on one reading.
struct score {
  bool anomaly = false;
  // Probability-like confidence in `anomaly`, in [0, 1].
  double confidence = 0.0;
  operational_state state = operational_state::optimal;
  severity level = severity::low;
  category kind = category::other;
  // True while a model scored the reading with partly filled feature
  // windows: the sensor is new to this processor.
  bool warming_up = false;
};

}  // namespace ntscada

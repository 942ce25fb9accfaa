#pragma once

#include <span>
#include <string>

#include "reading/reading.h"
#include "scoring/score.h"

namespace ntscada {

// Scores micro-batches of readings. The stream processor calls one scorer
// from its processing thread only; implementations need no locking unless
// they share state with other threads themselves.
class scorer {
 public:
  virtual ~scorer() = default;

  // Writes one score per reading into `out`, which has the same size as
  // `readings`.
  virtual void score_batch(std::span<const reading> readings,
                           std::span<score> out) = 0;

  // Names the rule set or model version that produces the scores, as
  // written to the `detector` field, e.g. "rules:default".
  virtual const std::string& detector() const = 0;
};

}  // namespace ntscada

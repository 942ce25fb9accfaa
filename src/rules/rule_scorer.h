#pragma once

#include <string>

#include "rules/envelope_table.h"
#include "scoring/scorer.h"

namespace ntscada {

// Scores readings against envelope rules alone. Holds no per-sensor state.
class rule_scorer final : public scorer {
 public:
  explicit rule_scorer(envelope_table table);

  // Scores one reading; score_batch calls this for each reading.
  score score_one(const reading& r) const;

  void score_batch(std::span<const reading> readings,
                   std::span<score> out) override;
  const std::string& detector() const override { return detector_; }

 private:
  envelope_table table_;
  std::string detector_;
};

}  // namespace ntscada

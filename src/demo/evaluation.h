#pragma once

#include <cstdint>

namespace ntscada {

// Counts of a binary detector against labels.
struct confusion_counts {
  std::uint64_t true_positives = 0;
  std::uint64_t false_positives = 0;
  std::uint64_t true_negatives = 0;
  std::uint64_t false_negatives = 0;

  void add(bool predicted, bool actual);
  std::uint64_t total() const;

  // Each ratio is 0 when its denominator is 0.
  double precision() const;
  double recall() const;
  // Equal to TP / (TP + (FP + FN) / 2), the SKAB benchmark's form.
  double f1() const;
  // False alarm rate FP / (FP + TN) and missed alarm rate FN / (FN + TP),
  // as fractions (SKAB reports them in percent).
  double false_alarm_rate() const;
  double missed_alarm_rate() const;
};

}  // namespace ntscada

#include "demo/evaluation.h"

namespace ntscada {
namespace {

double ratio(std::uint64_t numerator, std::uint64_t denominator) {
  return denominator == 0 ? 0.0
                          : static_cast<double>(numerator) /
                                static_cast<double>(denominator);
}

}  // namespace

void confusion_counts::add(bool predicted, bool actual) {
  if (predicted && actual) {
    ++true_positives;
  } else if (predicted) {
    ++false_positives;
  } else if (actual) {
    ++false_negatives;
  } else {
    ++true_negatives;
  }
}

std::uint64_t confusion_counts::total() const {
  return true_positives + false_positives + true_negatives + false_negatives;
}

double confusion_counts::precision() const {
  return ratio(true_positives, true_positives + false_positives);
}

double confusion_counts::recall() const {
  return ratio(true_positives, true_positives + false_negatives);
}

double confusion_counts::f1() const {
  double denominator =
      static_cast<double>(true_positives) +
      static_cast<double>(false_positives + false_negatives) / 2.0;
  return denominator == 0 ? 0.0
                          : static_cast<double>(true_positives) / denominator;
}

double confusion_counts::false_alarm_rate() const {
  return ratio(false_positives, false_positives + true_negatives);
}

double confusion_counts::missed_alarm_rate() const {
  return ratio(false_negatives, false_negatives + true_positives);
}

}  // namespace ntscada

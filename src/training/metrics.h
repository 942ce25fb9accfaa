#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ntscada {

// Evaluation of a binary classifier's scores against 0/1 labels.
struct binary_metrics {
  std::uint64_t sample_count = 0;
  std::uint64_t true_positives = 0;
  std::uint64_t false_positives = 0;
  std::uint64_t true_negatives = 0;
  std::uint64_t false_negatives = 0;

  // (TP + TN) / n, TP / (TP + FP), TP / (TP + FN) and
  // 2 TP / (2 TP + FP + FN). Each is 0 when its denominator is 0, as in
  // scikit-learn with zero_division=0.
  double accuracy = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;

  // Area under the ROC curve, equal to the Mann-Whitney U statistic of the
  // positive scores over the negative scores divided by n_pos * n_neg, with
  // tied scores given averaged ranks (a tied positive-negative pair counts
  // 1/2). Empty when either class has no samples, because the ROC curve is
  // then undefined.
  std::optional<double> roc_auc;
};

// Computes binary_metrics of `scores` against `labels`. A sample is
// predicted positive when its score is >= `threshold`. Labels must be 0
// (negative) or 1 (positive), so kNoLabel (-1) rows must be filtered out
// first. Scores may be infinite but not NaN.
//
// Throws std::invalid_argument, naming the value and index, when the spans
// differ in size, a label is not 0 or 1, a score is NaN or the threshold is
// NaN. Takes O(n log n) time and allocates one index vector of n entries.
binary_metrics compute_binary_metrics(std::span<const int> labels,
                                      std::span<const double> scores,
                                      double threshold = 0.5);

// Precision, recall and F1 of one class against all others, and its counts.
struct class_metrics {
  // Samples whose true label is this class (the row sum of the confusion
  // matrix).
  std::uint64_t support = 0;
  // Samples predicted as this class (the column sum).
  std::uint64_t predicted_count = 0;
  // TP / predicted_count, TP / support and 2 TP / (support +
  // predicted_count), each 0 when its denominator is 0.
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

// Evaluation of multiclass predictions against labels in [0, class_count).
struct multiclass_metrics {
  int class_count = 0;
  std::uint64_t sample_count = 0;

  // The confusion matrix, row-major: entry (t, p) counts samples of true
  // class t predicted as p. Use confusion_at().
  std::vector<std::uint64_t> confusion;
  // Indexed by class.
  std::vector<class_metrics> classes;

  // Trace of the confusion matrix / n, 0 when n is 0.
  double accuracy = 0;

  // Unweighted means of the per-class values over the classes with support
  // > 0 or predicted_count > 0, which is scikit-learn's average='macro'
  // when `labels` is not passed (it averages over the labels present in
  // y_true or y_pred). A class in neither is left out, and one that occurs
  // in only one of them is averaged in with its zero recall or precision.
  // All 0 when there are no samples.
  int macro_class_count = 0;
  double macro_precision = 0;
  double macro_recall = 0;
  double macro_f1 = 0;

  // Means of the per-class values weighted by support, as scikit-learn's
  // average='weighted'. All 0 when there are no samples. weighted_recall
  // equals accuracy up to floating-point rounding.
  double weighted_precision = 0;
  double weighted_recall = 0;
  double weighted_f1 = 0;

  // Returns the count of samples of class `true_class` predicted as
  // `predicted_class`. Both must be in [0, class_count).
  std::uint64_t confusion_at(int true_class, int predicted_class) const {
    return confusion[static_cast<std::size_t>(true_class) *
                         static_cast<std::size_t>(class_count) +
                     static_cast<std::size_t>(predicted_class)];
  }
};

// Computes multiclass_metrics of `predictions` against `labels`. Returns an
// error message when class_count < 1, the spans differ in size, or a label
// or prediction is outside [0, class_count), naming the value and index.
// Allocates class_count^2 counters for the confusion matrix.
result<multiclass_metrics, std::string> compute_multiclass_metrics(
    std::span<const int> labels, std::span<const int> predictions,
    int class_count);

// Appends `metrics` as one JSON object with the members sample_count,
// true_positives, false_positives, true_negatives, false_negatives,
// accuracy, precision, recall, f1 and roc_auc (null when empty).
void append_metrics_json(std::string& out, const binary_metrics& metrics);

// Appends `metrics` as one JSON object: sample_count, class_count,
// accuracy, "macro" {class_count, precision, recall, f1}, "weighted"
// {precision, recall, f1}, "classes" (an array in class order of
// {name, support, predicted_count, precision, recall, f1}) and
// "confusion_matrix" (an array of rows, one per true class). Class i is
// named class_names[i], or its decimal index when class_names has no entry
// i. Names past class_count are ignored.
void append_metrics_json(std::string& out, const multiclass_metrics& metrics,
                         std::span<const std::string_view> class_names);

}  // namespace ntscada

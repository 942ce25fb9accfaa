#include "training/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>
#include <stdexcept>

#include "common/json_writer.h"

namespace ntscada {
namespace {

double ratio(std::uint64_t numerator, std::uint64_t denominator) {
  return denominator == 0 ? 0.0
                          : static_cast<double>(numerator) /
                                static_cast<double>(denominator);
}

// 2 TP / (2 TP + FP + FN), 0 when the denominator is 0.
double f1_score(std::uint64_t true_positives, std::uint64_t false_positives,
                std::uint64_t false_negatives) {
  return ratio(2 * true_positives,
               2 * true_positives + false_positives + false_negatives);
}

// Throws std::invalid_argument unless every label is 0 or 1 and no score
// or the threshold is NaN. Returns the number of positive labels.
std::uint64_t validate_binary_inputs(std::span<const int> labels,
                                     std::span<const double> scores,
                                     double threshold) {
  if (labels.size() != scores.size()) {
    throw std::invalid_argument(fmt::format(
        "labels has {} entries but scores has {}. Pass one score per label.",
        labels.size(), scores.size()));
  }
  if (std::isnan(threshold)) {
    throw std::invalid_argument("threshold is NaN. Pass a number.");
  }
  std::uint64_t positives = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      throw std::invalid_argument(
          fmt::format("label {} at index {} is invalid because binary labels "
                      "must be 0 or 1",
                      labels[i], i));
    }
    if (std::isnan(scores[i])) {
      throw std::invalid_argument(fmt::format(
          "score at index {} is NaN. Remove or replace NaN scores.", i));
    }
    positives += static_cast<std::uint64_t>(labels[i]);
  }
  return positives;
}

// Returns the ROC-AUC as U / (positives * negatives), or nothing when
// either class is empty. Inputs must have passed validate_binary_inputs.
std::optional<double> compute_roc_auc(std::span<const int> labels,
                                      std::span<const double> scores,
                                      std::uint64_t positives) {
  std::uint64_t negatives = labels.size() - positives;
  if (positives == 0 || negatives == 0) return std::nullopt;

  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [scores](std::size_t a, std::size_t b) {
    return scores[a] < scores[b];
  });

  // Walks the groups of tied scores in ascending order. Each of the p
  // positives in a group outranks every negative below the group and ties
  // with each of the q negatives inside it, so the group adds
  // p * (negatives_below + q / 2) to U. This equals R_pos - n_pos (n_pos +
  // 1) / 2 with averaged ranks. Summing 2U keeps the count an exact integer
  // because 2U <= n^2 / 2 fits in 64 bits for n < 6e9.
  std::uint64_t twice_u = 0;
  std::uint64_t negatives_below = 0;
  std::size_t group_start = 0;
  while (group_start < order.size()) {
    double group_score = scores[order[group_start]];
    std::uint64_t group_positives = 0;
    std::uint64_t group_negatives = 0;
    std::size_t group_end = group_start;
    while (group_end < order.size() &&
           scores[order[group_end]] == group_score) {
      if (labels[order[group_end]] == 1) {
        ++group_positives;
      } else {
        ++group_negatives;
      }
      ++group_end;
    }
    twice_u += group_positives * (2 * negatives_below + group_negatives);
    negatives_below += group_negatives;
    group_start = group_end;
  }
  return static_cast<double>(twice_u) / (2.0 * static_cast<double>(positives) *
                                         static_cast<double>(negatives));
}

// Returns an error message unless class_count >= 1, the spans have the same
// size and every entry is in [0, class_count).
std::optional<std::string> validate_multiclass_inputs(
    std::span<const int> labels, std::span<const int> predictions,
    int class_count) {
  if (class_count < 1) {
    return fmt::format(
        "class_count {} is invalid because it must be at least 1", class_count);
  }
  if (labels.size() != predictions.size()) {
    return fmt::format(
        "labels has {} entries but predictions has {}. Pass one prediction "
        "per label.",
        labels.size(), predictions.size());
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= class_count) {
      return fmt::format(
          "label {} at index {} is outside [0, {}). Raise class_count or "
          "remap the labels.",
          labels[i], i, class_count);
    }
    if (predictions[i] < 0 || predictions[i] >= class_count) {
      return fmt::format(
          "prediction {} at index {} is outside [0, {}). Raise class_count "
          "or remap the predictions.",
          predictions[i], i, class_count);
    }
  }
  return std::nullopt;
}

// Fills the per-class, macro and weighted values from the confusion matrix.
void summarize_confusion(multiclass_metrics& metrics) {
  auto class_count = static_cast<std::size_t>(metrics.class_count);
  metrics.classes.assign(class_count, class_metrics{});
  std::uint64_t correct = 0;
  for (std::size_t t = 0; t < class_count; ++t) {
    for (std::size_t p = 0; p < class_count; ++p) {
      std::uint64_t count = metrics.confusion[t * class_count + p];
      metrics.classes[t].support += count;
      metrics.classes[p].predicted_count += count;
    }
    correct += metrics.confusion[t * class_count + t];
  }
  metrics.accuracy = ratio(correct, metrics.sample_count);

  double weighted_precision_sum = 0;
  double weighted_recall_sum = 0;
  double weighted_f1_sum = 0;
  for (std::size_t k = 0; k < class_count; ++k) {
    class_metrics& c = metrics.classes[k];
    std::uint64_t true_positives = metrics.confusion[k * class_count + k];
    c.precision = ratio(true_positives, c.predicted_count);
    c.recall = ratio(true_positives, c.support);
    c.f1 = f1_score(true_positives, c.predicted_count - true_positives,
                    c.support - true_positives);

    if (c.support > 0 || c.predicted_count > 0) {
      ++metrics.macro_class_count;
      metrics.macro_precision += c.precision;
      metrics.macro_recall += c.recall;
      metrics.macro_f1 += c.f1;
    }
    auto weight = static_cast<double>(c.support);
    weighted_precision_sum += weight * c.precision;
    weighted_recall_sum += weight * c.recall;
    weighted_f1_sum += weight * c.f1;
  }

  if (metrics.macro_class_count > 0) {
    auto averaged = static_cast<double>(metrics.macro_class_count);
    metrics.macro_precision /= averaged;
    metrics.macro_recall /= averaged;
    metrics.macro_f1 /= averaged;
  }
  if (metrics.sample_count > 0) {
    auto total_support = static_cast<double>(metrics.sample_count);
    metrics.weighted_precision = weighted_precision_sum / total_support;
    metrics.weighted_recall = weighted_recall_sum / total_support;
    metrics.weighted_f1 = weighted_f1_sum / total_support;
  }
}

// json_object_writer takes signed counts. Counts never come near 2^63
// because each is bounded by a span's size.
std::int64_t json_count(std::uint64_t count) {
  return static_cast<std::int64_t>(count);
}

std::string classes_json(const multiclass_metrics& metrics,
                         std::span<const std::string_view> class_names) {
  std::string out = "[";
  for (std::size_t k = 0; k < metrics.classes.size(); ++k) {
    if (k > 0) out.push_back(',');
    std::string name = k < class_names.size() ? std::string(class_names[k])
                                              : std::to_string(k);
    const class_metrics& c = metrics.classes[k];
    json_object_writer(out)
        .member("name", name)
        .member("support", json_count(c.support))
        .member("predicted_count", json_count(c.predicted_count))
        .member("precision", c.precision)
        .member("recall", c.recall)
        .member("f1", c.f1)
        .finish();
  }
  out.push_back(']');
  return out;
}

std::string confusion_json(const multiclass_metrics& metrics) {
  auto class_count = static_cast<std::size_t>(metrics.class_count);
  std::string out = "[";
  for (std::size_t t = 0; t < class_count; ++t) {
    if (t > 0) out.push_back(',');
    out.push_back('[');
    for (std::size_t p = 0; p < class_count; ++p) {
      if (p > 0) out.push_back(',');
      fmt::format_to(std::back_inserter(out), "{}",
                     metrics.confusion[t * class_count + p]);
    }
    out.push_back(']');
  }
  out.push_back(']');
  return out;
}

}  // namespace

binary_metrics compute_binary_metrics(std::span<const int> labels,
                                      std::span<const double> scores,
                                      double threshold) {
  std::uint64_t positives = validate_binary_inputs(labels, scores, threshold);

  binary_metrics metrics;
  metrics.sample_count = labels.size();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    bool predicted = scores[i] >= threshold;
    bool actual = labels[i] == 1;
    if (predicted && actual) {
      ++metrics.true_positives;
    } else if (predicted) {
      ++metrics.false_positives;
    } else if (actual) {
      ++metrics.false_negatives;
    } else {
      ++metrics.true_negatives;
    }
  }
  metrics.accuracy = ratio(metrics.true_positives + metrics.true_negatives,
                           metrics.sample_count);
  metrics.precision = ratio(metrics.true_positives,
                            metrics.true_positives + metrics.false_positives);
  metrics.recall = ratio(metrics.true_positives,
                         metrics.true_positives + metrics.false_negatives);
  metrics.f1 = f1_score(metrics.true_positives, metrics.false_positives,
                        metrics.false_negatives);
  metrics.roc_auc = compute_roc_auc(labels, scores, positives);
  return metrics;
}

result<multiclass_metrics, std::string> compute_multiclass_metrics(
    std::span<const int> labels, std::span<const int> predictions,
    int class_count) {
  if (auto error =
          validate_multiclass_inputs(labels, predictions, class_count)) {
    return failure{std::move(*error)};
  }

  multiclass_metrics metrics;
  metrics.class_count = class_count;
  metrics.sample_count = labels.size();
  auto row_length = static_cast<std::size_t>(class_count);
  metrics.confusion.assign(row_length * row_length, 0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto t = static_cast<std::size_t>(labels[i]);
    auto p = static_cast<std::size_t>(predictions[i]);
    ++metrics.confusion[t * row_length + p];
  }
  summarize_confusion(metrics);
  return metrics;
}

void append_metrics_json(std::string& out, const binary_metrics& metrics) {
  json_object_writer writer(out);
  writer.member("sample_count", json_count(metrics.sample_count))
      .member("true_positives", json_count(metrics.true_positives))
      .member("false_positives", json_count(metrics.false_positives))
      .member("true_negatives", json_count(metrics.true_negatives))
      .member("false_negatives", json_count(metrics.false_negatives))
      .member("accuracy", metrics.accuracy)
      .member("precision", metrics.precision)
      .member("recall", metrics.recall)
      .member("f1", metrics.f1);
  if (metrics.roc_auc) {
    writer.member("roc_auc", *metrics.roc_auc);
  } else {
    writer.raw_member("roc_auc", "null");
  }
  writer.finish();
}

void append_metrics_json(std::string& out, const multiclass_metrics& metrics,
                         std::span<const std::string_view> class_names) {
  std::string macro;
  json_object_writer(macro)
      .member("class_count", std::int64_t{metrics.macro_class_count})
      .member("precision", metrics.macro_precision)
      .member("recall", metrics.macro_recall)
      .member("f1", metrics.macro_f1)
      .finish();
  std::string weighted;
  json_object_writer(weighted)
      .member("precision", metrics.weighted_precision)
      .member("recall", metrics.weighted_recall)
      .member("f1", metrics.weighted_f1)
      .finish();

  json_object_writer(out)
      .member("sample_count", json_count(metrics.sample_count))
      .member("class_count", std::int64_t{metrics.class_count})
      .member("accuracy", metrics.accuracy)
      .raw_member("macro", macro)
      .raw_member("weighted", weighted)
      .raw_member("classes", classes_json(metrics, class_names))
      .raw_member("confusion_matrix", confusion_json(metrics))
      .finish();
}

}  // namespace ntscada

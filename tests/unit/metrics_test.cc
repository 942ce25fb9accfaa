#include "training/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ntscada {
namespace {

// Runs `call` and returns the std::invalid_argument message it throws, or
// an empty string when it throws nothing.
template <class Call>
std::string invalid_argument_message(Call call) {
  try {
    call();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

TEST(BinaryMetricsTest, TiedScoresTenSamples) {
  //   index  0    1    2    3    4    5    6    7    8    9
  //   label  1    0    1    1    0    0    1    0    1    0
  //   score  0.9  0.8  0.7  0.7  0.7  0.5  0.4  0.4  0.2  0.1
  // Positives {0,2,3,6,8}, negatives {1,4,5,7,9}: n_pos = 5, n_neg = 5.
  std::vector<int> labels = {1, 0, 1, 1, 0, 0, 1, 0, 1, 0};
  std::vector<double> scores = {0.9, 0.8, 0.7, 0.7, 0.7,
                                0.5, 0.4, 0.4, 0.2, 0.1};

  binary_metrics m = compute_binary_metrics(labels, scores, 0.5);

  // score >= 0.5 predicts indices 0..5 positive.
  // TP = {0,2,3} = 3, FP = {1,4,5} = 3, FN = {6,8} = 2, TN = {7,9} = 2.
  EXPECT_EQ(m.sample_count, 10u);
  EXPECT_EQ(m.true_positives, 3u);
  EXPECT_EQ(m.false_positives, 3u);
  EXPECT_EQ(m.false_negatives, 2u);
  EXPECT_EQ(m.true_negatives, 2u);
  // accuracy = (3 + 2) / 10 = 0.5, precision = 3 / (3 + 3) = 0.5,
  // recall = 3 / (3 + 2) = 0.6, F1 = 2*3 / (2*3 + 3 + 2) = 6/11.
  EXPECT_DOUBLE_EQ(m.accuracy, 0.5);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.recall, 0.6);
  EXPECT_DOUBLE_EQ(m.f1, 6.0 / 11.0);

  // Ascending ranks, ties averaged:
  //   0.1 (neg) 1 | 0.2 (pos) 2 | 0.4 (pos, neg) 3,4 -> 3.5 each |
  //   0.5 (neg) 5 | 0.7 (pos, pos, neg) 6,7,8 -> 7 each | 0.8 (neg) 9 |
  //   0.9 (pos) 10.
  // R_pos = 2 + 3.5 + 7 + 7 + 10 = 29.5.
  // U = R_pos - n_pos (n_pos + 1) / 2 = 29.5 - 15 = 14.5.
  // AUC = U / (n_pos n_neg) = 14.5 / 25 = 0.58.
  ASSERT_TRUE(m.roc_auc.has_value());
  EXPECT_DOUBLE_EQ(*m.roc_auc, 0.58);
}

TEST(BinaryMetricsTest, AucIgnoresInputOrder) {
  // The ten samples of TiedScoresTenSamples reversed: AUC is still
  // 14.5 / 25 = 0.58.
  std::vector<int> labels = {0, 1, 0, 1, 0, 0, 1, 1, 0, 1};
  std::vector<double> scores = {0.1, 0.2, 0.4, 0.4, 0.5,
                                0.7, 0.7, 0.7, 0.8, 0.9};

  binary_metrics m = compute_binary_metrics(labels, scores);

  ASSERT_TRUE(m.roc_auc.has_value());
  EXPECT_DOUBLE_EQ(*m.roc_auc, 0.58);
}

TEST(BinaryMetricsTest, AucBoundaryCases) {
  std::vector<int> labels = {0, 0, 1, 1};

  // Every positive outscores every negative: U = 2 * 2 = 4, AUC = 4/4 = 1.
  std::vector<double> separated = {0.1, 0.2, 0.8, 0.9};
  std::optional<double> auc = compute_binary_metrics(labels, separated).roc_auc;
  ASSERT_TRUE(auc.has_value());
  EXPECT_DOUBLE_EQ(*auc, 1.0);

  // Every negative outscores every positive: U = 0, AUC = 0.
  std::vector<double> inverted = {0.8, 0.9, 0.1, 0.2};
  auc = compute_binary_metrics(labels, inverted).roc_auc;
  ASSERT_TRUE(auc.has_value());
  EXPECT_DOUBLE_EQ(*auc, 0.0);

  // All four scores tie: each of the 2 * 2 pairs counts 1/2, U = 2,
  // AUC = 2/4 = 0.5.
  std::vector<double> tied = {0.3, 0.3, 0.3, 0.3};
  auc = compute_binary_metrics(labels, tied).roc_auc;
  ASSERT_TRUE(auc.has_value());
  EXPECT_DOUBLE_EQ(*auc, 0.5);

  // Infinite scores sort like any other: the +inf positive outscores both
  // negatives (2), the -inf positive outscores neither (0), U = 2,
  // AUC = 2/4 = 0.5.
  double inf = std::numeric_limits<double>::infinity();
  std::vector<double> infinite = {0.1, 0.2, inf, -inf};
  auc = compute_binary_metrics(labels, infinite).roc_auc;
  ASSERT_TRUE(auc.has_value());
  EXPECT_DOUBLE_EQ(*auc, 0.5);
}

TEST(BinaryMetricsTest, AucMatchesPairwiseCount) {
  // Checks the sorted rank walk against the definition of U on 200 seeded
  // samples with scores from only 7 values, so most pairs tie:
  // U = sum over (positive i, negative j) of [s_i > s_j] + [s_i == s_j] / 2.
  std::mt19937 generator(20240601);
  std::uniform_int_distribution<int> label_distribution(0, 1);
  std::uniform_int_distribution<int> score_distribution(0, 6);
  std::vector<int> labels(200);
  std::vector<double> scores(200);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    labels[i] = label_distribution(generator);
    scores[i] = score_distribution(generator) / 6.0;
  }

  double u = 0;
  double positives = 0;
  double negatives = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == 0) {
      negatives += 1;
      continue;
    }
    positives += 1;
    for (std::size_t j = 0; j < labels.size(); ++j) {
      if (labels[j] != 0) continue;
      if (scores[i] > scores[j]) u += 1;
      if (scores[i] == scores[j]) u += 0.5;
    }
  }

  std::optional<double> auc = compute_binary_metrics(labels, scores).roc_auc;

  ASSERT_TRUE(auc.has_value());
  EXPECT_DOUBLE_EQ(*auc, u / (positives * negatives));
}

TEST(BinaryMetricsTest, ThresholdIsInclusive) {
  // Scores equal to the threshold predict positive: both samples are
  // predicted positive, so TP = 1 and FP = 1.
  std::vector<int> labels = {1, 0};
  std::vector<double> scores = {0.3, 0.3};

  binary_metrics m = compute_binary_metrics(labels, scores, 0.3);

  EXPECT_EQ(m.true_positives, 1u);
  EXPECT_EQ(m.false_positives, 1u);
  EXPECT_EQ(m.true_negatives, 0u);
  EXPECT_EQ(m.false_negatives, 0u);
}

TEST(BinaryMetricsTest, AllPositiveLabels) {
  // labels 1, 1, 1 with scores 0.2, 0.6, 0.9 at threshold 0.5:
  // TP = 2 (0.6, 0.9), FN = 1 (0.2), FP = 0, TN = 0.
  std::vector<int> labels = {1, 1, 1};
  std::vector<double> scores = {0.2, 0.6, 0.9};

  binary_metrics m = compute_binary_metrics(labels, scores);

  EXPECT_EQ(m.true_positives, 2u);
  EXPECT_EQ(m.false_negatives, 1u);
  EXPECT_EQ(m.false_positives, 0u);
  EXPECT_EQ(m.true_negatives, 0u);
  // accuracy = 2/3, precision = 2 / (2 + 0) = 1, recall = 2 / (2 + 1) = 2/3,
  // F1 = 2*2 / (2*2 + 0 + 1) = 4/5.
  EXPECT_DOUBLE_EQ(m.accuracy, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.precision, 1.0);
  EXPECT_DOUBLE_EQ(m.recall, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.f1, 0.8);
  // n_neg = 0, so U / (n_pos n_neg) is undefined.
  EXPECT_FALSE(m.roc_auc.has_value());
}

TEST(BinaryMetricsTest, AllNegativeLabels) {
  // labels 0, 0 with scores 0.1, 0.7 at threshold 0.5: TN = 1, FP = 1.
  std::vector<int> labels = {0, 0};
  std::vector<double> scores = {0.1, 0.7};

  binary_metrics m = compute_binary_metrics(labels, scores);

  EXPECT_EQ(m.true_negatives, 1u);
  EXPECT_EQ(m.false_positives, 1u);
  // accuracy = 1/2, precision = 0 / (0 + 1) = 0, recall = 0 / 0 -> 0 by
  // zero division, F1 = 0 / (0 + 1 + 0) = 0.
  EXPECT_DOUBLE_EQ(m.accuracy, 0.5);
  EXPECT_DOUBLE_EQ(m.precision, 0.0);
  EXPECT_DOUBLE_EQ(m.recall, 0.0);
  EXPECT_DOUBLE_EQ(m.f1, 0.0);
  EXPECT_FALSE(m.roc_auc.has_value());
}

TEST(BinaryMetricsTest, EmptyInputIsAllZero) {
  // n = 0: every ratio has a zero denominator and both classes are empty.
  binary_metrics m = compute_binary_metrics({}, {});

  EXPECT_EQ(m.sample_count, 0u);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.0);
  EXPECT_DOUBLE_EQ(m.precision, 0.0);
  EXPECT_DOUBLE_EQ(m.recall, 0.0);
  EXPECT_DOUBLE_EQ(m.f1, 0.0);
  EXPECT_FALSE(m.roc_auc.has_value());
}

TEST(BinaryMetricsTest, RejectsInvalidInput) {
  std::vector<int> labels = {0, 1, 2};
  std::vector<double> scores = {0.1, 0.2, 0.3};
  std::vector<double> short_scores = {0.1, 0.2};
  std::vector<int> good_labels = {0, 1, 0};
  std::vector<double> nan_scores = {0.1, std::nan(""), 0.3};

  EXPECT_EQ(
      invalid_argument_message([&] { compute_binary_metrics(labels, scores); }),
      "label 2 at index 2 is invalid because binary labels must be 0 or 1");
  EXPECT_EQ(invalid_argument_message(
                [&] { compute_binary_metrics(good_labels, short_scores); }),
            "labels has 3 entries but scores has 2. Pass one score per label.");
  EXPECT_EQ(invalid_argument_message(
                [&] { compute_binary_metrics(good_labels, nan_scores); }),
            "score at index 1 is NaN. Remove or replace NaN scores.");
  EXPECT_EQ(invalid_argument_message([&] {
              compute_binary_metrics(good_labels, scores, std::nan(""));
            }),
            "threshold is NaN. Pass a number.");
}

TEST(BinaryMetricsTest, RejectsNoLabelMarker) {
  // -1 marks a row without ground truth and must not count as positive.
  std::vector<int> labels = {1, -1};
  std::vector<double> scores = {0.9, 0.8};

  EXPECT_THROW(compute_binary_metrics(labels, scores), std::invalid_argument);
}

TEST(BinaryMetricsTest, WritesJson) {
  // labels 1, 0, 1, 0 with scores 0.9, 0.2, 0.4, 0.6 at threshold 0.5:
  // predicted 1, 0, 0, 1, so TP = FP = TN = FN = 1, and accuracy,
  // precision, recall and F1 = 2 / (2 + 1 + 1) are all 0.5.
  // AUC: 0.9 outscores both negatives (2), 0.4 outscores 0.2 (1),
  // U = 3, AUC = 3/4 = 0.75.
  std::vector<int> labels = {1, 0, 1, 0};
  std::vector<double> scores = {0.9, 0.2, 0.4, 0.6};
  std::string out;

  append_metrics_json(out, compute_binary_metrics(labels, scores));

  EXPECT_EQ(out, R"({"sample_count":4,"true_positives":1,"false_positives":1,)"
                 R"("true_negatives":1,"false_negatives":1,"accuracy":0.5,)"
                 R"("precision":0.5,"recall":0.5,"f1":0.5,"roc_auc":0.75})");
}

TEST(BinaryMetricsTest, WritesNullAucForOneClass) {
  // One positive at 0.9: TP = 1 and AUC is undefined.
  std::vector<int> labels = {1};
  std::vector<double> scores = {0.9};
  std::string out;

  append_metrics_json(out, compute_binary_metrics(labels, scores));

  EXPECT_EQ(out, R"({"sample_count":1,"true_positives":1,"false_positives":0,)"
                 R"("true_negatives":0,"false_negatives":0,"accuracy":1,)"
                 R"("precision":1,"recall":1,"f1":1,"roc_auc":null})");
}

TEST(MulticlassMetricsTest, ClassNeverPredicted) {
  //   labels       0 0 0 1 1 2 2 2
  //   predictions  0 0 1 1 0 0 1 1
  // Confusion (rows true, columns predicted):
  //   true 0: [2, 1, 0]   support 3
  //   true 1: [1, 1, 0]   support 2
  //   true 2: [1, 2, 0]   support 3
  //   predicted counts (column sums): 4, 4, 0.
  std::vector<int> labels = {0, 0, 0, 1, 1, 2, 2, 2};
  std::vector<int> predictions = {0, 0, 1, 1, 0, 0, 1, 1};

  auto computed = compute_multiclass_metrics(labels, predictions, 3);

  ASSERT_TRUE(computed.has_value()) << computed.error();
  const multiclass_metrics& m = *computed;
  EXPECT_EQ(m.class_count, 3);
  EXPECT_EQ(m.sample_count, 8u);
  std::uint64_t expected_confusion[3][3] = {{2, 1, 0}, {1, 1, 0}, {1, 2, 0}};
  for (int t = 0; t < 3; ++t) {
    for (int p = 0; p < 3; ++p) {
      EXPECT_EQ(m.confusion_at(t, p), expected_confusion[t][p])
          << "true " << t << " predicted " << p;
    }
  }

  ASSERT_EQ(m.classes.size(), 3u);
  EXPECT_EQ(m.classes[0].support, 3u);
  EXPECT_EQ(m.classes[1].support, 2u);
  EXPECT_EQ(m.classes[2].support, 3u);
  EXPECT_EQ(m.classes[0].predicted_count, 4u);
  EXPECT_EQ(m.classes[1].predicted_count, 4u);
  EXPECT_EQ(m.classes[2].predicted_count, 0u);
  // Class 0: TP 2, FP 4 - 2 = 2, FN 3 - 2 = 1. P = 2/4 = 0.5, R = 2/3,
  // F1 = 2*2 / (2*2 + 2 + 1) = 4/7.
  EXPECT_DOUBLE_EQ(m.classes[0].precision, 0.5);
  EXPECT_DOUBLE_EQ(m.classes[0].recall, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.classes[0].f1, 4.0 / 7.0);
  // Class 1: TP 1, FP 4 - 1 = 3, FN 2 - 1 = 1. P = 1/4, R = 1/2,
  // F1 = 2*1 / (2*1 + 3 + 1) = 1/3.
  EXPECT_DOUBLE_EQ(m.classes[1].precision, 0.25);
  EXPECT_DOUBLE_EQ(m.classes[1].recall, 0.5);
  EXPECT_DOUBLE_EQ(m.classes[1].f1, 1.0 / 3.0);
  // Class 2: TP 0, never predicted. P = 0/0 -> 0 by zero division,
  // R = 0/3 = 0, F1 = 0 / (0 + 0 + 3) = 0.
  EXPECT_DOUBLE_EQ(m.classes[2].precision, 0.0);
  EXPECT_DOUBLE_EQ(m.classes[2].recall, 0.0);
  EXPECT_DOUBLE_EQ(m.classes[2].f1, 0.0);

  // accuracy = trace / n = (2 + 1 + 0) / 8 = 3/8.
  EXPECT_DOUBLE_EQ(m.accuracy, 0.375);

  // Every class has support, so macro averages over all 3:
  //   P = (1/2 + 1/4 + 0) / 3 = 1/4
  //   R = (2/3 + 1/2 + 0) / 3 = (7/6) / 3 = 7/18
  //   F1 = (4/7 + 1/3 + 0) / 3 = (12/21 + 7/21) / 3 = 19/63
  EXPECT_EQ(m.macro_class_count, 3);
  EXPECT_DOUBLE_EQ(m.macro_precision, 0.25);
  EXPECT_DOUBLE_EQ(m.macro_recall, 7.0 / 18.0);
  EXPECT_DOUBLE_EQ(m.macro_f1, 19.0 / 63.0);

  // Weighted by support 3, 2, 3 over n = 8:
  //   P = (3 * 1/2 + 2 * 1/4 + 3 * 0) / 8 = (3/2 + 1/2) / 8 = 1/4
  //   R = (3 * 2/3 + 2 * 1/2 + 3 * 0) / 8 = (2 + 1) / 8 = 3/8
  //   F1 = (3 * 4/7 + 2 * 1/3 + 3 * 0) / 8 = (36/21 + 14/21) / 8 = 25/84
  EXPECT_DOUBLE_EQ(m.weighted_precision, 0.25);
  EXPECT_DOUBLE_EQ(m.weighted_recall, 0.375);
  EXPECT_DOUBLE_EQ(m.weighted_f1, 25.0 / 84.0);
}

TEST(MulticlassMetricsTest, MacroSkipsAbsentClasses) {
  // class_count 4. Class 2 is predicted once but has no support. Class 3
  // is in neither labels nor predictions.
  //   labels       0 0 1 1
  //   predictions  0 2 1 1
  // Confusion rows: true 0 [1, 0, 1, 0], true 1 [0, 2, 0, 0], rows 2 and 3
  // all 0. Supports 2, 2, 0, 0. Predicted counts 1, 2, 1, 0.
  std::vector<int> labels = {0, 0, 1, 1};
  std::vector<int> predictions = {0, 2, 1, 1};

  auto computed = compute_multiclass_metrics(labels, predictions, 4);

  ASSERT_TRUE(computed.has_value()) << computed.error();
  const multiclass_metrics& m = *computed;
  // Class 0: TP 1, FP 0, FN 1. P = 1/1 = 1, R = 1/2,
  // F1 = 2 / (2 + 0 + 1) = 2/3.
  EXPECT_DOUBLE_EQ(m.classes[0].precision, 1.0);
  EXPECT_DOUBLE_EQ(m.classes[0].recall, 0.5);
  EXPECT_DOUBLE_EQ(m.classes[0].f1, 2.0 / 3.0);
  // Class 1: TP 2, FP 0, FN 0. P = R = F1 = 1.
  EXPECT_DOUBLE_EQ(m.classes[1].precision, 1.0);
  EXPECT_DOUBLE_EQ(m.classes[1].recall, 1.0);
  EXPECT_DOUBLE_EQ(m.classes[1].f1, 1.0);
  // Class 2: TP 0, FP 1, FN 0. P = 0/1 = 0, R = 0/0 -> 0,
  // F1 = 0 / (0 + 1 + 0) = 0.
  EXPECT_DOUBLE_EQ(m.classes[2].precision, 0.0);
  EXPECT_DOUBLE_EQ(m.classes[2].recall, 0.0);
  EXPECT_DOUBLE_EQ(m.classes[2].f1, 0.0);
  // Class 3: all 0 and left out of the macro average.
  EXPECT_EQ(m.classes[3].support, 0u);
  EXPECT_EQ(m.classes[3].predicted_count, 0u);

  // Macro over classes {0, 1, 2}, which scikit-learn's unique_labels of
  // y_true and y_pred also gives:
  //   P = (1 + 1 + 0) / 3 = 2/3
  //   R = (1/2 + 1 + 0) / 3 = 1/2
  //   F1 = (2/3 + 1 + 0) / 3 = 5/9
  EXPECT_EQ(m.macro_class_count, 3);
  EXPECT_DOUBLE_EQ(m.macro_precision, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.macro_recall, 0.5);
  EXPECT_DOUBLE_EQ(m.macro_f1, 5.0 / 9.0);

  // Weighted by support 2, 2, 0, 0 over n = 4:
  //   P = (2 * 1 + 2 * 1) / 4 = 1
  //   R = (2 * 1/2 + 2 * 1) / 4 = 3/4
  //   F1 = (2 * 2/3 + 2 * 1) / 4 = (10/3) / 4 = 5/6
  EXPECT_DOUBLE_EQ(m.weighted_precision, 1.0);
  EXPECT_DOUBLE_EQ(m.weighted_recall, 0.75);
  EXPECT_DOUBLE_EQ(m.weighted_f1, 5.0 / 6.0);
  // accuracy = (1 + 2) / 4 = 3/4.
  EXPECT_DOUBLE_EQ(m.accuracy, 0.75);
}

TEST(MulticlassMetricsTest, EmptyInputIsAllZero) {
  // n = 0: no class has support or predictions, so nothing is averaged.
  auto computed = compute_multiclass_metrics({}, {}, 2);

  ASSERT_TRUE(computed.has_value()) << computed.error();
  EXPECT_EQ(computed->sample_count, 0u);
  EXPECT_EQ(computed->confusion.size(), 4u);
  EXPECT_EQ(computed->macro_class_count, 0);
  EXPECT_DOUBLE_EQ(computed->accuracy, 0.0);
  EXPECT_DOUBLE_EQ(computed->macro_f1, 0.0);
  EXPECT_DOUBLE_EQ(computed->weighted_f1, 0.0);
}

TEST(MulticlassMetricsTest, RejectsOutOfRangeValues) {
  std::vector<int> labels = {0, 3, 1};
  std::vector<int> predictions = {0, 1, -1};
  std::vector<int> good = {0, 1, 2};
  std::vector<int> short_predictions = {0, 1};

  auto bad_label = compute_multiclass_metrics(labels, good, 3);
  ASSERT_FALSE(bad_label.has_value());
  EXPECT_EQ(bad_label.error(),
            "label 3 at index 1 is outside [0, 3). Raise class_count or remap "
            "the labels.");

  auto bad_prediction = compute_multiclass_metrics(good, predictions, 3);
  ASSERT_FALSE(bad_prediction.has_value());
  EXPECT_EQ(bad_prediction.error(),
            "prediction -1 at index 2 is outside [0, 3). Raise class_count or "
            "remap the predictions.");

  auto size_mismatch = compute_multiclass_metrics(good, short_predictions, 3);
  ASSERT_FALSE(size_mismatch.has_value());
  EXPECT_EQ(size_mismatch.error(),
            "labels has 3 entries but predictions has 2. Pass one prediction "
            "per label.");

  auto no_classes = compute_multiclass_metrics({}, {}, 0);
  ASSERT_FALSE(no_classes.has_value());
  EXPECT_EQ(no_classes.error(),
            "class_count 0 is invalid because it must be at least 1");
}

TEST(MulticlassMetricsTest, WritesJson) {
  //   labels       0 0 1 1
  //   predictions  0 1 1 0
  // Confusion [[1, 1], [1, 1]]. Each class: TP 1, FP 1, FN 1, support 2,
  // predicted 2, so P = R = 1/2 and F1 = 2 / (2 + 1 + 1) = 1/2. Accuracy,
  // macro and weighted values are all 1/2.
  std::vector<int> labels = {0, 0, 1, 1};
  std::vector<int> predictions = {0, 1, 1, 0};
  auto computed = compute_multiclass_metrics(labels, predictions, 2);
  ASSERT_TRUE(computed.has_value()) << computed.error();
  std::string_view names[] = {"normal \"ok\""};
  std::string out;

  // Class 1 has no name, so it is written as "1".
  append_metrics_json(out, *computed, names);

  EXPECT_EQ(
      out, R"({"sample_count":4,"class_count":2,"accuracy":0.5,)"
           R"("macro":{"class_count":2,"precision":0.5,"recall":0.5,"f1":0.5},)"
           R"("weighted":{"precision":0.5,"recall":0.5,"f1":0.5},)"
           R"("classes":[)"
           R"({"name":"normal \"ok\"","support":2,"predicted_count":2,)"
           R"("precision":0.5,"recall":0.5,"f1":0.5},)"
           R"({"name":"1","support":2,"predicted_count":2,)"
           R"("precision":0.5,"recall":0.5,"f1":0.5}],)"
           R"("confusion_matrix":[[1,1],[1,1]]})");
}

}  // namespace
}  // namespace ntscada

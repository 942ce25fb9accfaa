#pragma once

#include <cstdint>
#include <string>

namespace ntscada {

enum class split_kind {
  // Train on the earliest rows, test on the latest: the default, because a
  // random split leaks the future into rolling-window features.
  chronological,
  // Random split with the same class proportions in both parts.
  stratified_random,
};

// Hyperparameters of the random-forest anomaly classifier, trained as one
// XGBoost round of `trees` parallel trees.
struct anomaly_model_options {
  int trees = 200;
  int max_depth = 15;
  // XGBoost has no minimum sample count per leaf; it bounds the hessian sum
  // instead. For logistic loss at the initial prediction 0.5 each sample of
  // weight 1 adds 0.25, so 2 samples per leaf is a min_child_weight of 0.5.
  // With 2 per leaf, a split needs at least 4 samples; 5 is not expressible.
  double min_child_weight = 0.5;
  double row_subsample = 0.632;  // bootstrap-like share of rows per tree
  double column_subsample_per_node = 0.18;  // about sqrt(33) / 33
  // Histogram bins per feature for XGBoost's hist method. 64 keeps the deep
  // forest fast; see docs/benchmarks.md for the measured effect.
  int max_bin = 64;
};

// Hyperparameters of the gradient-boosted state classifier.
struct state_model_options {
  int rounds = 150;
  double learning_rate = 0.1;
  int max_depth = 5;
  // XGBoost's default. State labels are thresholds on the value, which
  // coarser bins blur (macro F1 fell from 0.99 to 0.82 on SKAB with 64).
  int max_bin = 256;
};

struct training_options {
  split_kind split = split_kind::chronological;
  double test_fraction = 0.2;
  std::uint64_t seed = 42;
  int threads = 2;
  // Minimum rows of each class in the training part.
  std::size_t min_samples_per_class = 5;
  anomaly_model_options anomaly;
  state_model_options state;
};

}  // namespace ntscada

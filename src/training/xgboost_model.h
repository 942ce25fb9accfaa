#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace ntscada {

// XGBoost parameters in the order they are set, e.g. {"max_depth", "5"}.
using xgboost_parameters = std::vector<std::pair<std::string, std::string>>;

// A dense, row-major float matrix handed to XGBoost without a copy on our
// side (XGBoost copies it into its own DMatrix).
struct feature_matrix_view {
  const float* data = nullptr;
  std::size_t rows = 0;
  std::size_t columns = 0;
};

// An XGBoost DMatrix built once from a feature matrix and shared by every
// model trained on it; labels and weights are replaced between trainings.
class xgboost_matrix {
 public:
  static result<xgboost_matrix, std::string> create(
      feature_matrix_view features);

  result<bool, std::string> set_labels(std::span<const float> labels,
                                       std::span<const float> weights);
  void* handle() const { return handle_.get(); }

 private:
  struct matrix_deleter {
    void operator()(void* handle) const;
  };
  explicit xgboost_matrix(void* handle) : handle_(handle) {}

  std::unique_ptr<void, matrix_deleter> handle_;
};

// A trained XGBoost booster, through XGBoost's C API. Moving is allowed,
// copying is not. predict is safe to call from one thread at a time.
class xgboost_model {
 public:
  // Trains `rounds` boosting rounds on `matrix` with the labels and weights
  // it holds. Errors carry XGBoost's message.
  static result<xgboost_model, std::string> train(
      const xgboost_matrix& matrix, const xgboost_parameters& parameters,
      int rounds);

  // Loads a model saved by save() in XGBoost's JSON format (.json), after
  // check_model_file has verified its structure.
  static result<xgboost_model, std::string> load(
      const std::filesystem::path& path);

  result<bool, std::string> save(const std::filesystem::path& path) const;

  // Predicts probabilities: one per row for binary:logistic, class_count
  // per row (row-major) for multi:softprob.
  result<std::vector<float>, std::string> predict(
      feature_matrix_view features) const;

  // Sets the number of threads XGBoost uses for prediction and training.
  result<bool, std::string> set_threads(int threads);

  // An empty model, only to be assigned to.
  xgboost_model() = default;
  xgboost_model(xgboost_model&&) noexcept = default;
  xgboost_model& operator=(xgboost_model&&) noexcept = default;

 private:
  struct booster_deleter {
    void operator()(void* handle) const;
  };
  explicit xgboost_model(void* handle);

  std::unique_ptr<void, booster_deleter> booster_;
};

// XGBoost's version as "major.minor.patch".
std::string xgboost_version();

}  // namespace ntscada

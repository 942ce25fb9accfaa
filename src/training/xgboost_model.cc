#include "training/xgboost_model.h"

#include <fmt/format.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <limits>

#include "training/model_file_check.h"

namespace ntscada {
namespace {

// XGBoost's message without the stack trace that follows its first line.
std::string last_error(std::string_view what) {
  std::string_view message = XGBGetLastError();
  message = message.substr(0, message.find('\n'));
  return fmt::format("{}: {}", what, message);
}

struct dmatrix_deleter {
  void operator()(void* handle) const { XGDMatrixFree(handle); }
};
using dmatrix_ptr = std::unique_ptr<void, dmatrix_deleter>;

result<dmatrix_ptr, std::string> make_dmatrix(feature_matrix_view features) {
  DMatrixHandle handle = nullptr;
  // NaN marks a missing value; the feature code never emits one.
  if (XGDMatrixCreateFromMat(features.data, features.rows, features.columns,
                             std::numeric_limits<float>::quiet_NaN(),
                             &handle) != 0) {
    return failure{last_error("cannot build the XGBoost matrix")};
  }
  return dmatrix_ptr(handle);
}

}  // namespace

void xgboost_model::booster_deleter::operator()(void* handle) const {
  XGBoosterFree(handle);
}

xgboost_model::xgboost_model(void* handle) : booster_(handle) {}

void xgboost_matrix::matrix_deleter::operator()(void* handle) const {
  XGDMatrixFree(handle);
}

result<xgboost_matrix, std::string> xgboost_matrix::create(
    feature_matrix_view features) {
  auto matrix = make_dmatrix(features);
  if (!matrix) return failure{matrix.error()};
  return xgboost_matrix(matrix.value().release());
}

result<bool, std::string> xgboost_matrix::set_labels(
    std::span<const float> labels, std::span<const float> weights) {
  if (XGDMatrixSetFloatInfo(handle_.get(), "label", labels.data(),
                            labels.size()) != 0 ||
      XGDMatrixSetFloatInfo(handle_.get(), "weight", weights.data(),
                            weights.size()) != 0) {
    return failure{last_error("cannot set labels and weights")};
  }
  return true;
}

result<xgboost_model, std::string> xgboost_model::train(
    const xgboost_matrix& matrix, const xgboost_parameters& parameters,
    int rounds) {
  DMatrixHandle train_set = matrix.handle();
  BoosterHandle handle = nullptr;
  if (XGBoosterCreate(&train_set, 1, &handle) != 0) {
    return failure{last_error("cannot create the XGBoost booster")};
  }
  xgboost_model model(handle);
  for (const auto& [name, value] : parameters) {
    if (XGBoosterSetParam(handle, name.c_str(), value.c_str()) != 0) {
      return failure{
          last_error(fmt::format("XGBoost parameter {}={}", name, value))};
    }
  }
  for (int round = 0; round < rounds; ++round) {
    if (XGBoosterUpdateOneIter(handle, round, train_set) != 0) {
      return failure{
          last_error(fmt::format("XGBoost training round {}", round))};
    }
  }
  return model;
}

result<xgboost_model, std::string> xgboost_model::load(
    const std::filesystem::path& path) {
  if (path.extension() != ".json") {
    return failure{fmt::format(
        "cannot load model {}: only XGBoost's JSON format is accepted, "
        "because its structure can be checked before XGBoost reads it",
        path.string())};
  }
  auto checked = check_model_file(path);
  if (!checked) return failure{checked.error()};
  BoosterHandle handle = nullptr;
  if (XGBoosterCreate(nullptr, 0, &handle) != 0) {
    return failure{last_error("cannot create the XGBoost booster")};
  }
  xgboost_model model(handle);
  if (XGBoosterLoadModel(handle, path.c_str()) != 0) {
    return failure{
        last_error(fmt::format("cannot load model {} with XGBoost {}",
                               path.string(), xgboost_version()))};
  }
  return model;
}

result<bool, std::string> xgboost_model::save(
    const std::filesystem::path& path) const {
  if (XGBoosterSaveModel(booster_.get(), path.c_str()) != 0) {
    return failure{
        last_error(fmt::format("cannot save model {}", path.string()))};
  }
  return true;
}

result<bool, std::string> xgboost_model::set_threads(int threads) {
  std::string value = std::to_string(threads);
  if (XGBoosterSetParam(booster_.get(), "nthread", value.c_str()) != 0) {
    return failure{last_error("cannot set nthread")};
  }
  return true;
}

result<std::vector<float>, std::string> xgboost_model::predict(
    feature_matrix_view features) const {
  auto matrix = make_dmatrix(features);
  if (!matrix) return failure{matrix.error()};
  const char* config = R"({"type": 0, "training": false, "iteration_begin": 0,)"
                       R"( "iteration_end": 0, "strict_shape": false})";
  const bst_ulong* shape = nullptr;
  bst_ulong dimensions = 0;
  const float* output = nullptr;
  if (XGBoosterPredictFromDMatrix(booster_.get(), matrix.value().get(), config,
                                  &shape, &dimensions, &output) != 0) {
    return failure{last_error("XGBoost prediction failed")};
  }
  std::size_t size = 1;
  for (bst_ulong i = 0; i < dimensions; ++i) size *= shape[i];
  return std::vector<float>(output, output + size);
}

std::string xgboost_version() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return fmt::format("{}.{}.{}", major, minor, patch);
}

}  // namespace ntscada

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "features/feature_extractor.h"
#include "simulate/plant_simulator.h"
#include "training/model_bundle.h"
#include "training/trainer.h"

namespace ntscada {
namespace {

// Small models so the suite stays fast; the defaults are exercised by the
// train command and recorded in docs/benchmarks.md.
training_options small_options() {
  training_options options;
  options.anomaly.trees = 20;
  options.anomaly.max_depth = 8;
  options.state.rounds = 20;
  return options;
}

reading_history simulated_history(std::uint64_t seed, int ticks) {
  plant_options plant;
  plant.seed = seed;
  plant.step = 60'000'000'000;
  plant.start_time = 1'717'200'000'000'000'000;
  auto simulator = plant_simulator::create(plant);
  reading_history history;
  for (int tick = 0; tick < ticks; ++tick) {
    for (const reading& r : simulator.value().next_tick()) history.append(r);
  }
  return history;
}

envelope_table simulator_envelopes() {
  return envelope_table::parse(plant_envelope_toml(), "simulator").value();
}

TEST(TrainerTest, FlagsSimulatedFaults) {
  // Four simulated days at one-minute steps, seed 7: 103,680 readings.
  reading_history history = simulated_history(7, 4 * 24 * 60);
  auto outcome = train_models(history, simulator_envelopes(), small_options());
  ASSERT_TRUE(outcome) << outcome.error();
  EXPECT_EQ(outcome->anomaly_labels, label_source::data);
  EXPECT_EQ(outcome->train_rows + outcome->test_rows, history.size());
  EXPECT_GE(outcome->anomaly_metrics.recall, 0.7);
  EXPECT_GE(outcome->anomaly_metrics.precision, 0.7);
  ASSERT_TRUE(outcome->anomaly_metrics.roc_auc.has_value());
  EXPECT_GE(*outcome->anomaly_metrics.roc_auc, 0.9);
  EXPECT_GE(outcome->state_metrics.accuracy, 0.9);
  EXPECT_EQ(outcome->timings.size(), 6u);
}

TEST(TrainerTest, EmptyHistoryRejected) {
  reading_history empty;
  auto outcome = train_models(empty, envelope_table{}, small_options());
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().find("holds no readings"), std::string::npos);
}

TEST(TrainerTest, SingleClassRejected) {
  reading_history history;
  for (int i = 0; i < 100; ++i) {
    history.append(reading{.sensor_id = "s",
                           .sensor_type = "temperature",
                           .value = 50,
                           .unit = "C",
                           .timestamp = 1'717'200'000'000'000'000 + i});
  }
  auto outcome = train_models(history, envelope_table{}, small_options());
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().find("0 rows of anomaly class 1"),
            std::string::npos)
      << outcome.error();
  EXPECT_NE(outcome.error().find("envelope_rules"), std::string::npos);
}

TEST(TrainerTest, NonFiniteValueRejected) {
  reading_history history = simulated_history(3, 50);
  history.append(0, 1'717'300'000'000'000'000,
                 std::numeric_limits<double>::infinity(), 0);
  auto outcome = train_models(history, envelope_table{}, small_options());
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().find("non-finite"), std::string::npos);
}

class ModelBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("ntscada-bundle-" + std::to_string(getpid()));
    std::filesystem::remove_all(folder_);
    history_ = simulated_history(11, 2 * 24 * 60);
    auto outcome =
        train_models(history_, simulator_envelopes(), small_options());
    ASSERT_TRUE(outcome) << outcome.error();
    metadata_.name = "ntscada-anomaly";
    metadata_.version = "20240601T000000Z";
    metadata_.kind = "anomaly";
    metadata_.feature_names.assign(feature_names.begin(), feature_names.end());
    metadata_.statistics = outcome->statistics;
    ASSERT_TRUE(save_model_bundle(folder_, outcome->anomaly_model, metadata_));
    outcome_ = std::make_unique<training_outcome>(std::move(outcome.value()));
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  // Sets the first element of the first array named `array` in model.json
  // to `value`, keeping the file valid JSON. A plain search, because
  // std::regex trips GCC 12's maybe-uninitialized warning under the
  // sanitizers.
  void rewrite_model(const std::string& array, const std::string& value) {
    std::ifstream in(folder_ / "model.json");
    std::string text((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    std::string prefix = "\"" + array + "\":[";
    auto at = text.find(prefix);
    ASSERT_NE(at, std::string::npos) << array;
    auto start = at + prefix.size();
    text.replace(start, text.find(',', start) - start, value);
    std::ofstream(folder_ / "model.json") << text;
  }

  void rewrite_metadata(const std::string& from, const std::string& to) {
    std::ifstream in(folder_ / "metadata.json");
    std::string text((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    std::ofstream(folder_ / "metadata.json") << text;
  }

  std::filesystem::path folder_;
  reading_history history_;
  model_metadata metadata_;
  std::unique_ptr<training_outcome> outcome_;
};

TEST_F(ModelBundleTest, RoundTripPredictsTheSame) {
  auto loaded = load_model_bundle(folder_);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->metadata.version, "20240601T000000Z");
  std::vector<float> features =
      extract_features(history_, loaded->metadata.statistics);
  feature_matrix_view view{features.data(), history_.size(), feature_count};
  auto original = outcome_->anomaly_model.predict(view);
  auto reloaded = loaded->model.predict(view);
  ASSERT_TRUE(original);
  ASSERT_TRUE(reloaded);
  ASSERT_EQ(original->size(), reloaded->size());
  for (std::size_t i = 0; i < original->size(); ++i) {
    ASSERT_NEAR((*original)[i], (*reloaded)[i], 1e-6) << i;
  }
}

TEST_F(ModelBundleTest, FeatureOrderMismatchRefused) {
  rewrite_metadata("\"hour_of_day\",\"day_of_week\"",
                   "\"day_of_week\",\"hour_of_day\"");
  auto loaded = load_model_bundle(folder_);
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(loaded.error().starts_with("feature_schema_mismatch"))
      << loaded.error();
}

TEST_F(ModelBundleTest, NewerFormatRefused) {
  rewrite_metadata("\"format_version\":1", "\"format_version\":2");
  auto loaded = load_model_bundle(folder_);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("format version 2, newer than the 1"),
            std::string::npos)
      << loaded.error();
}

TEST_F(ModelBundleTest, ChildOutsideTheTreeRefused) {
  rewrite_model("left_children", "1000001");
  auto loaded = load_model_bundle(folder_);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("tree 0 node 0: children 1000001 and"),
            std::string::npos)
      << loaded.error();
}

TEST_F(ModelBundleTest, CycleBetweenNodesRefused) {
  rewrite_model("left_children", "0");
  auto loaded = load_model_bundle(folder_);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("are not later nodes of the tree"),
            std::string::npos)
      << loaded.error();
}

TEST_F(ModelBundleTest, SplitOnMissingFeatureRefused) {
  rewrite_model("split_indices", "100000000");
  auto loaded = load_model_bundle(folder_);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("splits on feature 100000000 of 33"),
            std::string::npos)
      << loaded.error();
}

TEST_F(ModelBundleTest, TruncatedModelRefused) {
  auto model = folder_ / "model.json";
  auto size = std::filesystem::file_size(model);
  std::filesystem::resize_file(model, size / 2);
  auto loaded = load_model_bundle(folder_);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find(model.string()), std::string::npos)
      << loaded.error();
}

}  // namespace
}  // namespace ntscada

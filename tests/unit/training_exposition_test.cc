#include "training/training_exposition.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ntscada {
namespace {

training_outcome sample_outcome() {
  training_outcome outcome;
  outcome.train_rows = 800;
  outcome.test_rows = 200;
  outcome.anomaly_metrics.precision = 0.5;
  outcome.anomaly_metrics.recall = 0.25;
  outcome.anomaly_metrics.f1 = 1.0 / 3;
  outcome.state_metrics.accuracy = 0.75;
  outcome.timings = {{"features", 1.5, 100, 120},
                     {"train_anomaly_model", 4.0, 150, 256}};
  return outcome;
}

TEST(TrainingExpositionTest, WritesRunAsGauges) {
  training_run run;
  run.anomaly_model_id = "ntscada-anomaly@3";
  run.state_model_id = "ntscada-state@3";
  std::string text =
      training_metrics_text(run, sample_outcome(), 1'700'000'000'500'000'000);
  EXPECT_NE(text.find("\nntscada_train_last_success_timestamp_seconds "
                      "1700000000.5\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nntscada_train_phase_duration_seconds{phase="
                      "\"train_anomaly_model\"} 4\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_train_peak_resident_memory_bytes 268435456\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_train_rows{split=\"test\"} 200\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_train_anomaly_model_score{metric="
                      "\"recall\"} 0.25\n"),
            std::string::npos);
  EXPECT_NE(
      text.find("\nntscada_train_model_info{model=\"ntscada-state@3\"} 1\n"),
      std::string::npos);
}

TEST(TrainingExpositionTest, MetricsFileReplacedWhole) {
  std::filesystem::path folder =
      std::filesystem::temp_directory_path() /
      ("ntscada-train-metrics-" + std::to_string(getpid()));
  std::filesystem::create_directories(folder);
  std::filesystem::path file = folder / "ntscada_train.prom";
  ASSERT_TRUE(write_metrics_file(file, "old 1\n"));
  ASSERT_TRUE(write_metrics_file(file, "new 2\n"));
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "new 2\n");
  EXPECT_FALSE(std::filesystem::exists(folder / "ntscada_train.prom.tmp"));

  auto missing = write_metrics_file(folder / "absent" / "x.prom", "x 1\n");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("absent"), std::string::npos);
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace ntscada

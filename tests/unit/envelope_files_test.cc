#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "replay/skab_reader.h"
#include "rules/envelope_table.h"
#include "rules/rule_scorer.h"

namespace ntscada {
namespace {

const std::filesystem::path kSkabEnvelopes =
    std::filesystem::path(NTSCADA_SOURCE_DIR) / "config" / "envelopes" /
    "skab.toml";
const std::filesystem::path kValve1Dir =
    std::filesystem::path(NTSCADA_SHARED_DATA_DIR) / "skab" / "valve1";

// Rows of each SKAB file that the reference evaluation trains on.
constexpr std::size_t kTrainingRows = 400;

envelope_table load_skab_rules() {
  auto table = envelope_table::load(kSkabEnvelopes);
  EXPECT_TRUE(table) << table.error();
  return std::move(table).value();
}

TEST(skab_envelopes, file_loads) {
  auto table = envelope_table::load(kSkabEnvelopes);
  ASSERT_TRUE(table) << table.error();
  EXPECT_EQ(table->name().substr(0, 12), "skab-valve1#");
  EXPECT_EQ(table->type_rule_count(), 6u);
  EXPECT_EQ(table->sensor_rule_count(), 0u);

  const envelope& flow =
      table->find("skab/valve1/0/Volume Flow RateRMS", "flow_rate").limits;
  EXPECT_DOUBLE_EQ(flow.lolo, 30.0);
  EXPECT_DOUBLE_EQ(flow.lo, 30.8);
  EXPECT_DOUBLE_EQ(flow.optimal_low, 31.02);
  EXPECT_DOUBLE_EQ(flow.optimal_high, 32.99);
  EXPECT_DOUBLE_EQ(flow.hi, 33.2);
  EXPECT_DOUBLE_EQ(flow.hihi, 34.0);
  EXPECT_EQ(table->find("", "flow_rate").band, anomaly_band::lo_hi);
}

TEST(skab_envelopes, covers_every_skab_sensor_type) {
  envelope_table table = load_skab_rules();
  envelope_table fallback;
  for (std::string_view column :
       {"Accelerometer1RMS", "Accelerometer2RMS", "Current", "Pressure",
        "Temperature", "Thermocouple", "Voltage", "Volume Flow RateRMS"}) {
    std::string_view type = skab_sensor_kind_of(column).sensor_type;
    const envelope& limits = table.find("", type).limits;
    // A type without its own table would get the built-in default limits.
    EXPECT_NE(limits.lo, fallback.find("", type).limits.lo) << column;
  }
}

class skab_envelope_data_test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kValve1Dir)) {
      GTEST_SKIP() << "SKAB data not found at " << kValve1Dir;
    }
  }
};

// The limits were derived from the training rows by widening p0.5 and
// p99.5, so at most 1 % of each type's training readings lie outside.
TEST_F(skab_envelope_data_test, training_rows_stay_in_band) {
  rule_scorer scorer(load_skab_rules());
  std::map<std::string, std::size_t> flagged;
  std::map<std::string, std::size_t> total;
  for (int file = 0; file < 12; ++file) {
    auto path = kValve1Dir / (std::to_string(file) + ".csv");
    auto readings = read_skab(path, "skab/valve1/" + std::to_string(file));
    ASSERT_TRUE(readings) << readings.error();
    for (const labelled_reading& item : *readings) {
      if (item.row >= kTrainingRows) break;
      ++total[item.r.sensor_type];
      if (scorer.score_one(item.r).anomaly) ++flagged[item.r.sensor_type];
    }
  }
  ASSERT_EQ(total.size(), 6u);
  for (const auto& [type, count] : total) {
    double rate =
        static_cast<double>(flagged[type]) / static_cast<double>(count);
    std::printf("%s: %zu of %zu training readings outside [Lo, Hi]\n",
                type.c_str(), flagged[type], count);
    EXPECT_LE(rate, 0.01) << type;
  }
}

// Row-level detection on the test parts (rows 400 and later), where a row
// is flagged when any of its readings is. The figures are printed for
// reference, and the check is only that the rules flag anomalous rows more
// often than normal ones.
TEST_F(skab_envelope_data_test, test_parts_flag_anomalies_more_often) {
  rule_scorer scorer(load_skab_rules());
  std::size_t true_positive = 0, false_positive = 0;
  std::size_t anomalous_rows = 0, normal_rows = 0;
  for (int file = 0; file < 12; ++file) {
    auto path = kValve1Dir / (std::to_string(file) + ".csv");
    auto readings = read_skab(path, "skab/valve1/" + std::to_string(file));
    ASSERT_TRUE(readings) << readings.error();
    std::map<std::size_t, bool> row_flagged;
    std::map<std::size_t, bool> row_labelled;
    for (const labelled_reading& item : *readings) {
      if (item.row < kTrainingRows) continue;
      row_flagged[item.row] |= scorer.score_one(item.r).anomaly;
      row_labelled[item.row] = item.r.labels.anomaly.value();
    }
    for (const auto& [row, labelled] : row_labelled) {
      (labelled ? anomalous_rows : normal_rows) += 1;
      if (row_flagged[row]) (labelled ? true_positive : false_positive) += 1;
    }
  }
  double detection_rate =
      static_cast<double>(true_positive) / static_cast<double>(anomalous_rows);
  double false_alarm_rate =
      static_cast<double>(false_positive) / static_cast<double>(normal_rows);
  std::printf(
      "valve1 test parts: %zu of %zu anomalous rows flagged, %zu of "
      "%zu normal rows flagged\n",
      true_positive, anomalous_rows, false_positive, normal_rows);
  EXPECT_GT(detection_rate, false_alarm_rate);
}

}  // namespace
}  // namespace ntscada

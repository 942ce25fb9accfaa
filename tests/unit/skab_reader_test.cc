#include "replay/skab_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "replay/data_set.h"

namespace ntscada {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kSkabDir =
    std::filesystem::path(NTSCADA_SHARED_DATA_DIR) / "skab";

epoch_ns utc_ns(std::chrono::year_month_day date,
                std::chrono::seconds time_of_day) {
  auto time = std::chrono::sys_days(date) + time_of_day;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             time.time_since_epoch())
      .count();
}

constexpr std::size_t kSensorColumns = 8;

const std::vector<std::string> kValve1Columns = {
    "Accelerometer1RMS", "Accelerometer2RMS", "Current", "Pressure",
    "Temperature",       "Thermocouple",      "Voltage", "Volume Flow RateRMS"};

class skab_data_test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kSkabDir)) {
      GTEST_SKIP() << "SKAB data not found at " << kSkabDir;
    }
  }
};

TEST_F(skab_data_test, valve1_file_0_shape) {
  auto readings = read_skab(kSkabDir / "valve1" / "0.csv", "skab/valve1/0");
  ASSERT_TRUE(readings) << readings.error();
  ASSERT_EQ(readings->size(), 1147 * kSensorColumns);

  for (std::size_t i = 0; i < readings->size(); ++i) {
    const labelled_reading& item = (*readings)[i];
    ASSERT_EQ(item.row, i / kSensorColumns);
    ASSERT_EQ(item.r.sensor_id,
              "skab/valve1/0/" + kValve1Columns[i % kSensorColumns]);
    ASSERT_EQ(item.r.asset_id, "skab/valve1/0");
  }
  EXPECT_EQ(readings->back().row, 1146u);
}

TEST_F(skab_data_test, valve1_file_0_first_row_values) {
  auto readings = read_skab(kSkabDir / "valve1" / "0.csv", "skab/valve1/0");
  ASSERT_TRUE(readings) << readings.error();
  ASSERT_GE(readings->size(), kSensorColumns);

  struct expected_reading {
    std::string sensor_type;
    std::string unit;
    double value;
  };
  const std::vector<expected_reading> expected = {
      {"vibration", "g", 0.0265878}, {"vibration", "g", 0.0401113},
      {"current", "A", 1.3302},      {"pressure", "bar", 0.054711},
      {"temperature", "C", 79.3366}, {"temperature", "C", 26.0199},
      {"voltage", "V", 233.062},     {"flow_rate", "l/min", 32.0},
  };
  epoch_ns first_time =
      utc_ns(std::chrono::year{2020} / 3 / 9, 10h + 14min + 33s);
  for (std::size_t i = 0; i < kSensorColumns; ++i) {
    const reading& r = (*readings)[i].r;
    SCOPED_TRACE(r.sensor_id);
    EXPECT_EQ(r.sensor_type, expected[i].sensor_type);
    EXPECT_EQ(r.unit, expected[i].unit);
    EXPECT_DOUBLE_EQ(r.value, expected[i].value);
    EXPECT_EQ(r.timestamp, first_time);
    EXPECT_EQ(r.labels.anomaly, false);
    EXPECT_EQ(r.labels.changepoint, false);
    EXPECT_FALSE(r.original_value.has_value());
  }
}

TEST_F(skab_data_test, valve1_file_0_last_row) {
  auto readings = read_skab(kSkabDir / "valve1" / "0.csv", "skab/valve1/0");
  ASSERT_TRUE(readings) << readings.error();
  const reading& flow = readings->back().r;
  EXPECT_EQ(flow.sensor_id, "skab/valve1/0/Volume Flow RateRMS");
  EXPECT_DOUBLE_EQ(flow.value, 32.0015);
  EXPECT_EQ(flow.timestamp,
            utc_ns(std::chrono::year{2020} / 3 / 9, 10h + 34min + 32s));
}

// Per-file figures: data rows, the contiguous anomaly == 1 rows and the
// changepoint == 1 rows (0-based data-row indices).
struct labelled_file {
  std::string name;
  std::size_t rows;
  std::size_t anomaly_first;
  std::size_t anomaly_last;
  std::set<std::size_t> changepoints;
};

const std::vector<labelled_file> kLabelledFiles = {
    {"valve1/0.csv", 1147, 573, 973, {573, 630, 917, 974}},
    {"valve1/1.csv", 1145, 572, 973, {572, 629, 916, 974}},
    {"valve1/2.csv", 1075, 566, 902, {566, 846, 903}},
    {"valve1/3.csv", 1148, 573, 976, {573, 631, 918, 977}},
    {"valve1/4.csv", 1095, 573, 921, {573, 631, 865, 922}},
    {"valve1/5.csv", 1154, 577, 979, {577, 635, 923, 980}},
    {"valve1/6.csv", 1154, 576, 980, {576, 634, 922, 981}},
    {"valve1/7.csv", 1094, 578, 982, {578, 635, 924, 983}},
    {"valve1/8.csv", 1144, 572, 971, {572, 629, 915, 972}},
    {"valve1/9.csv", 1148, 574, 975, {574, 631, 917, 976}},
    {"valve1/10.csv", 1146, 573, 973, {573, 630, 917, 974}},
    {"valve1/11.csv", 1141, 572, 970, {572, 630, 914, 971}},
    // LF line endings, anomaly inside the first 400 rows.
    {"other/2.csv", 780, 104, 487, {104, 144, 430, 488}},
    {"other/4.csv", 1191, 796, 1190, {796, 852, 1137}},
    {"other/13.csv", 923, 495, 759, {495, 520, 746, 760}},
};

TEST_F(skab_data_test, labelled_files_rows_and_labels) {
  for (const labelled_file& file : kLabelledFiles) {
    SCOPED_TRACE(file.name);
    auto readings = read_skab(kSkabDir / file.name, "skab/test");
    ASSERT_TRUE(readings) << readings.error();
    ASSERT_EQ(readings->size(), file.rows * kSensorColumns);

    std::size_t anomalous_rows = 0;
    std::set<std::size_t> changepoints;
    for (std::size_t i = 0; i < readings->size(); i += kSensorColumns) {
      const labelled_reading& item = (*readings)[i];
      ASSERT_TRUE(item.r.labels.anomaly.has_value());
      ASSERT_TRUE(item.r.labels.changepoint.has_value());
      bool expected_anomaly =
          item.row >= file.anomaly_first && item.row <= file.anomaly_last;
      ASSERT_EQ(*item.r.labels.anomaly, expected_anomaly) << "row " << item.row;
      if (*item.r.labels.anomaly) ++anomalous_rows;
      if (*item.r.labels.changepoint) changepoints.insert(item.row);
      // Every reading of a row carries the row's labels.
      for (std::size_t j = i; j < i + kSensorColumns; ++j) {
        ASSERT_EQ((*readings)[j].r.labels.anomaly, item.r.labels.anomaly);
        ASSERT_EQ((*readings)[j].r.labels.changepoint,
                  item.r.labels.changepoint);
      }
    }
    EXPECT_EQ(anomalous_rows, file.anomaly_last - file.anomaly_first + 1);
    EXPECT_EQ(changepoints, file.changepoints);
  }
}

TEST_F(skab_data_test, timestamps_increase_within_file) {
  auto readings = read_skab(kSkabDir / "valve1" / "2.csv", "skab/valve1/2");
  ASSERT_TRUE(readings) << readings.error();
  for (std::size_t i = kSensorColumns; i < readings->size();
       i += kSensorColumns) {
    ASSERT_GT((*readings)[i].r.timestamp,
              (*readings)[i - kSensorColumns].r.timestamp)
        << "row " << (*readings)[i].row;
  }
}

TEST_F(skab_data_test, anomaly_free_has_no_labels) {
  auto readings = read_skab(kSkabDir / "anomaly-free" / "anomaly-free.csv",
                            "skab/anomaly-free");
  ASSERT_TRUE(readings) << readings.error();
  ASSERT_EQ(readings->size(), 9405 * kSensorColumns);
  for (const labelled_reading& item : *readings) {
    ASSERT_FALSE(item.r.labels.anomaly.has_value());
    ASSERT_FALSE(item.r.labels.changepoint.has_value());
  }
  EXPECT_EQ(readings->front().r.timestamp,
            utc_ns(std::chrono::year{2020} / 2 / 8, 13h + 30min + 47s));
  EXPECT_EQ(readings->back().r.timestamp,
            utc_ns(std::chrono::year{2020} / 2 / 8, 16h + 16min + 47s));
}

TEST_F(skab_data_test, load_data_set_detects_skab) {
  data_set_options options;
  options.asset_id = "skab/valve1/1";
  auto loaded = load_data_set(kSkabDir / "valve1" / "1.csv", options);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->format, data_set_format::skab);
  EXPECT_EQ(loaded->readings.size(), 1145 * kSensorColumns);
  EXPECT_EQ(loaded->readings.front().r.sensor_id,
            "skab/valve1/1/Accelerometer1RMS");
}

TEST(skab_reader, column_kinds) {
  EXPECT_EQ(skab_sensor_kind_of("Accelerometer1RMS").sensor_type, "vibration");
  EXPECT_EQ(skab_sensor_kind_of("Accelerometer2RMS").unit, "g");
  EXPECT_EQ(skab_sensor_kind_of("Current").sensor_type, "current");
  EXPECT_EQ(skab_sensor_kind_of("Pressure").unit, "bar");
  EXPECT_EQ(skab_sensor_kind_of("Thermocouple").sensor_type, "temperature");
  EXPECT_EQ(skab_sensor_kind_of("Voltage").unit, "V");
  EXPECT_EQ(skab_sensor_kind_of("Volume Flow RateRMS").sensor_type,
            "flow_rate");
  EXPECT_EQ(skab_sensor_kind_of("Volume Flow RateRMS").unit, "l/min");
  EXPECT_EQ(skab_sensor_kind_of("RPM").sensor_type, "other");
  EXPECT_EQ(skab_sensor_kind_of("RPM").unit, "");
  // Matching is exact.
  EXPECT_EQ(skab_sensor_kind_of("current").sensor_type, "other");
}

TEST(skab_reader, crlf_and_lf_read_alike) {
  std::string lf =
      "datetime;Current;anomaly\n2020-03-09 10:14:33;1.5;0.0\n"
      "2020-03-09 10:14:34;1.6;1.0\n";
  std::string crlf =
      "datetime;Current;anomaly\r\n2020-03-09 10:14:33;1.5;0.0\r\n"
      "2020-03-09 10:14:34;1.6;1.0\r\n";
  auto from_lf = parse_skab(lf, "lf.csv", "a");
  auto from_crlf = parse_skab(crlf, "crlf.csv", "a");
  ASSERT_TRUE(from_lf) << from_lf.error();
  ASSERT_TRUE(from_crlf) << from_crlf.error();
  ASSERT_EQ(from_lf->size(), 2u);
  ASSERT_EQ(from_crlf->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*from_lf)[i].r.value, (*from_crlf)[i].r.value);
    EXPECT_EQ((*from_lf)[i].r.timestamp, (*from_crlf)[i].r.timestamp);
    EXPECT_EQ((*from_lf)[i].r.labels.anomaly, (*from_crlf)[i].r.labels.anomaly);
  }
  EXPECT_EQ((*from_lf)[1].r.labels.anomaly, true);
  EXPECT_FALSE((*from_lf)[1].r.labels.changepoint.has_value());
}

TEST(skab_reader, unknown_column_and_labels_first) {
  auto readings = parse_skab(
      "datetime;changepoint;anomaly;RPM\n2020-03-09 00:00:00;1.0;0.0;1450\n",
      "x.csv", "rig");
  ASSERT_TRUE(readings) << readings.error();
  ASSERT_EQ(readings->size(), 1u);
  const reading& r = readings->front().r;
  EXPECT_EQ(r.sensor_id, "rig/RPM");
  EXPECT_EQ(r.sensor_type, "other");
  EXPECT_EQ(r.unit, "");
  EXPECT_EQ(r.value, 1450.0);
  EXPECT_EQ(r.labels.anomaly, false);
  EXPECT_EQ(r.labels.changepoint, true);
  EXPECT_EQ(r.timestamp, utc_ns(std::chrono::year{2020} / 3 / 9, 0s));
}

TEST(skab_reader, header_without_rows) {
  auto readings = parse_skab("datetime;Current\r\n", "x.csv", "a");
  ASSERT_TRUE(readings) << readings.error();
  EXPECT_TRUE(readings->empty());
}

// Each malformed input and a fragment that its error message must contain.
struct bad_input {
  std::string name;
  std::string text;
  std::string message;
};

TEST(skab_reader, malformed_input_errors) {
  const std::string header = "datetime;Current;anomaly\n";
  const std::vector<bad_input> cases = {
      {"empty file", "", "bad.csv: the file is empty"},
      {"wrong first column", "time;Current\n", "bad.csv:1: invalid SKAB"},
      {"no sensor columns", "datetime;anomaly\n", "no sensor columns"},
      {"duplicate column", "datetime;Current;Current\n", "appears twice"},
      {"empty column name", "datetime;;Current\n", "empty name"},
      {"too few fields",
       header + "2020-03-09 10:14:33;1.5;0.0\n"
                "2020-03-09 10:14:34;1.6\n",
       "bad.csv:3: expected 3 fields separated by ';', found 2"},
      {"too many fields", header + "2020-03-09 10:14:33;1.5;0.0;7\n",
       "bad.csv:2: expected 3 fields"},
      {"blank line", header + "\n2020-03-09 10:14:33;1.5;0.0\n",
       "bad.csv:2: expected 3 fields"},
      {"bad number", header + "2020-03-09 10:14:33;1,5;0.0\n",
       "bad.csv:2: column 'Current': '1,5' is not a number"},
      {"empty number", header + "2020-03-09 10:14:33;;0.0\n",
       "bad.csv:2: column 'Current': '' is not a number"},
      {"not finite", header + "2020-03-09 10:14:33;nan;0.0\n",
       "'nan' is not a finite number"},
      {"bad label", header + "2020-03-09 10:14:33;1.5;0.5\n",
       "bad.csv:2: column 'anomaly': '0.5' is not 0 or 1"},
      {"bad datetime", header + "2020-03-09T10:14:33;1.5;0.0\n",
       "bad.csv:2: column 'datetime': '2020-03-09T10:14:33' is not a valid"},
      {"datetime with zone", header + "2020-03-09 10:14:33Z;1.5;0.0\n",
       "column 'datetime'"},
      {"impossible date", header + "2020-02-30 10:14:33;1.5;0.0\n",
       "column 'datetime'"},
  };
  for (const bad_input& input : cases) {
    SCOPED_TRACE(input.name);
    auto readings = parse_skab(input.text, "bad.csv", "a");
    ASSERT_FALSE(readings);
    EXPECT_NE(readings.error().find(input.message), std::string::npos)
        << readings.error();
  }
}

TEST(skab_reader, empty_asset_id_rejected) {
  auto readings = parse_skab("datetime;Current\n", "x.csv", "");
  ASSERT_FALSE(readings);
  EXPECT_NE(readings.error().find("asset id is empty"), std::string::npos);
}

TEST(skab_reader, missing_file_reported) {
  auto readings = read_skab("/nonexistent/ntscada/0.csv", "a");
  ASSERT_FALSE(readings);
  EXPECT_EQ(readings.error(), "/nonexistent/ntscada/0.csv: file not found");
}

}  // namespace
}  // namespace ntscada

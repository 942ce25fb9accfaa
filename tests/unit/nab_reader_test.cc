#include "replay/nab_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "replay/data_set.h"

namespace ntscada {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kNabDir =
    std::filesystem::path(NTSCADA_SHARED_DATA_DIR) / "nab";
const std::string kMachineFile = "machine_temperature_system_failure.csv";
const std::string kAmbientFile = "ambient_temperature_system_failure.csv";

epoch_ns utc_ns(std::chrono::year_month_day date,
                std::chrono::seconds time_of_day) {
  auto time = std::chrono::sys_days(date) + time_of_day;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             time.time_since_epoch())
      .count();
}

// Returns the [first, last] row ranges where labels.anomaly is true.
std::vector<std::pair<std::size_t, std::size_t>> anomalous_ranges(
    const std::vector<labelled_reading>& readings) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  bool inside = false;
  for (const labelled_reading& item : readings) {
    bool anomaly = item.r.labels.anomaly.value_or(false);
    if (anomaly && !inside) ranges.emplace_back(item.row, item.row);
    if (anomaly) ranges.back().second = item.row;
    inside = anomaly;
  }
  return ranges;
}

class nab_data_test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kNabDir)) {
      GTEST_SKIP() << "NAB data not found at " << kNabDir;
    }
  }

  nab_options labelled_options(std::string unit) const {
    nab_options options;
    options.unit = std::move(unit);
    options.windows_path = kNabDir / "combined_windows.json";
    return options;
  }
};

TEST_F(nab_data_test, machine_temperature_rows_and_windows) {
  auto readings =
      read_nab(kNabDir / kMachineFile, "nab/machine", labelled_options("C"));
  ASSERT_TRUE(readings) << readings.error();
  ASSERT_EQ(readings->size(), 22695u);
  for (std::size_t i = 0; i < readings->size(); ++i) {
    ASSERT_EQ((*readings)[i].row, i);
    ASSERT_TRUE((*readings)[i].r.labels.anomaly.has_value());
  }

  using range = std::pair<std::size_t, std::size_t>;
  std::vector<range> expected = {
      {2126, 2692}, {3703, 4269}, {16057, 16623}, {19232, 19798}};
  EXPECT_EQ(anomalous_ranges(*readings), expected);

  const reading& first = readings->front().r;
  EXPECT_EQ(first.sensor_id, "nab/machine/value");
  EXPECT_EQ(first.asset_id, "nab/machine");
  EXPECT_EQ(first.sensor_type, "temperature");
  EXPECT_EQ(first.unit, "C");
  EXPECT_DOUBLE_EQ(first.value, 73.96732207);
  EXPECT_FALSE(first.original_value.has_value());
  EXPECT_EQ(first.timestamp,
            utc_ns(std::chrono::year{2013} / 12 / 2, 21h + 15min));
  EXPECT_EQ(readings->back().r.timestamp,
            utc_ns(std::chrono::year{2014} / 2 / 19, 15h + 25min));

  // The window ends are inclusive.
  EXPECT_EQ((*readings)[2126].r.timestamp,
            utc_ns(std::chrono::year{2013} / 12 / 10, 6h + 25min));
  EXPECT_EQ((*readings)[2692].r.timestamp,
            utc_ns(std::chrono::year{2013} / 12 / 12, 5h + 35min));
}

TEST_F(nab_data_test, machine_temperature_keeps_file_order) {
  auto readings =
      read_nab(kNabDir / kMachineFile, "nab/machine", labelled_options("C"));
  ASSERT_TRUE(readings) << readings.error();
  ASSERT_GT(readings->size(), 10149u);
  // The recording steps back one hour after row 10148.
  EXPECT_EQ((*readings)[10148].r.timestamp,
            utc_ns(std::chrono::year{2014} / 1 / 7, 2h + 55min));
  EXPECT_EQ((*readings)[10149].r.timestamp,
            utc_ns(std::chrono::year{2014} / 1 / 7, 2h));
  EXPECT_DOUBLE_EQ((*readings)[10149].r.value, 94.13972336);
}

TEST_F(nab_data_test, ambient_temperature_in_fahrenheit) {
  nab_options options = labelled_options("F");
  options.sensor_id = "office/ambient";
  auto readings = read_nab(kNabDir / kAmbientFile, "nab/office", options);
  ASSERT_TRUE(readings) << readings.error();
  ASSERT_EQ(readings->size(), 7267u);

  using range = std::pair<std::size_t, std::size_t>;
  std::vector<range> expected = {{3540, 3902}, {5999, 6361}};
  EXPECT_EQ(anomalous_ranges(*readings), expected);

  const reading& first = readings->front().r;
  EXPECT_EQ(first.sensor_id, "office/ambient");
  EXPECT_EQ(first.unit, "C");
  EXPECT_NEAR(first.value, (69.88083514 - 32.0) * 5.0 / 9.0, 1e-9);
  EXPECT_EQ(first.original_value, 69.88083514);
  EXPECT_EQ(first.original_unit, "F");
}

TEST_F(nab_data_test, no_windows_leaves_labels_empty) {
  nab_options options;
  options.unit = "C";
  auto readings = read_nab(kNabDir / kAmbientFile, "nab/office", options);
  ASSERT_TRUE(readings) << readings.error();
  ASSERT_EQ(readings->size(), 7267u);
  for (const labelled_reading& item : *readings) {
    ASSERT_FALSE(item.r.labels.anomaly.has_value());
    ASSERT_FALSE(item.r.labels.changepoint.has_value());
  }
}

TEST_F(nab_data_test, windows_by_exact_key) {
  auto windows =
      read_nab_windows(kNabDir / "combined_windows.json", "",
                       "realKnownCause/ambient_temperature_system_failure.csv");
  ASSERT_TRUE(windows) << windows.error();
  ASSERT_EQ(windows->size(), 2u);
  EXPECT_EQ((*windows)[0].start, utc_ns(std::chrono::year{2013} / 12 / 15, 7h));
  EXPECT_EQ((*windows)[0].end, utc_ns(std::chrono::year{2013} / 12 / 30, 9h));
  EXPECT_EQ((*windows)[1].start, utc_ns(std::chrono::year{2014} / 3 / 29, 15h));
  EXPECT_EQ((*windows)[1].end, utc_ns(std::chrono::year{2014} / 4 / 20, 22h));
}

TEST_F(nab_data_test, load_data_set_detects_nab) {
  data_set_options options;
  options.asset_id = "nab/machine";
  options.nab = labelled_options("C");
  auto loaded = load_data_set(kNabDir / kMachineFile, options);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->format, data_set_format::nab);
  EXPECT_EQ(loaded->readings.size(), 22695u);
  EXPECT_EQ(loaded->readings[2126].r.labels.anomaly, true);
  EXPECT_EQ(loaded->readings[2125].r.labels.anomaly, false);
}

TEST_F(nab_data_test, load_data_set_rejects_windows_file_as_data) {
  data_set_options options;
  options.asset_id = "nab/x";
  auto loaded = load_data_set(kNabDir / "combined_windows.json", options);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("combined_windows.json:1: unknown data-set "
                                "header"),
            std::string::npos)
      << loaded.error();
}

TEST(nab_reader, parses_rows_and_labels) {
  std::vector<time_window> windows = {
      {utc_ns(std::chrono::year{2014} / 1 / 1, 0h + 5min),
       utc_ns(std::chrono::year{2014} / 1 / 1, 0h + 10min)}};
  nab_options options;
  options.unit = "C";
  auto readings = parse_nab(
      "timestamp,value\n"
      "2014-01-01 00:00:00,1.5\n"
      "2014-01-01 00:05:00,2\n"
      "2014-01-01 00:10:00,-3.25\n"
      "2014-01-01 00:15:00,4e1\n",
      "x.csv", "asset", options, std::span<const time_window>(windows));
  ASSERT_TRUE(readings) << readings.error();
  ASSERT_EQ(readings->size(), 4u);
  std::vector<double> values;
  std::vector<bool> labels;
  for (const labelled_reading& item : *readings) {
    values.push_back(item.r.value);
    labels.push_back(item.r.labels.anomaly.value());
  }
  EXPECT_EQ(values, (std::vector<double>{1.5, 2.0, -3.25, 40.0}));
  EXPECT_EQ(labels, (std::vector<bool>{false, true, true, false}));
}

TEST(nab_reader, windows_found_by_file_name) {
  auto windows = parse_nab_windows(
      R"({"a/x.csv": [["2014-01-01 00:00:00.000000",
                      "2014-01-02 00:00:00.000000"]],
          "a/y.csv": []})",
      "w.json", "x.csv", "");
  ASSERT_TRUE(windows) << windows.error();
  ASSERT_EQ(windows->size(), 1u);
  EXPECT_EQ(windows->front().start,
            utc_ns(std::chrono::year{2014} / 1 / 1, 0s));
  EXPECT_EQ(windows->front().end, utc_ns(std::chrono::year{2014} / 1 / 2, 0s));

  auto empty = parse_nab_windows(R"({"a/y.csv": []})", "w.json", "y.csv", "");
  ASSERT_TRUE(empty) << empty.error();
  EXPECT_TRUE(empty->empty());
}

struct bad_windows {
  std::string name;
  std::string json;
  std::string key;
  std::string message;
};

TEST(nab_reader, malformed_windows_errors) {
  const std::vector<bad_windows> cases = {
      {"invalid json", "{", "", "w.json: invalid JSON"},
      {"not an object", "[]", "", "expected a JSON object"},
      {"no matching key", R"({"a/y.csv": []})", "", "no key ends in 'x.csv'"},
      {"ambiguous key", R"({"a/x.csv": [], "b/x.csv": []})", "",
       "all end in 'x.csv'"},
      {"missing exact key", R"({"a/x.csv": []})", "b/x.csv",
       "no entry with key 'b/x.csv'"},
      {"entry not array", R"({"a/x.csv": 3})", "", "is not an array"},
      {"window not pair", R"({"a/x.csv": [["2014-01-01 00:00:00"]]})", "",
       "window 0 of 'a/x.csv'"},
      {"window not string", R"({"a/x.csv": [[1, 2]]})", "",
       "expected [\"start\", \"end\"]"},
      {"bad timestamp",
       R"({"a/x.csv": [["2014-01-01", "2014-01-02 00:00:00"]]})", "",
       "'2014-01-01' is not a valid date-time"},
      {"start after end",
       R"({"a/x.csv": [["2014-01-02 00:00:00", "2014-01-01 00:00:00"]]})", "",
       "the start is after the end"},
  };
  for (const bad_windows& input : cases) {
    SCOPED_TRACE(input.name);
    auto windows = parse_nab_windows(input.json, "w.json", "x.csv", input.key);
    ASSERT_FALSE(windows);
    EXPECT_NE(windows.error().find(input.message), std::string::npos)
        << windows.error();
  }
}

struct bad_data {
  std::string name;
  std::string text;
  std::string unit;
  std::string message;
};

TEST(nab_reader, malformed_data_errors) {
  const std::string header = "timestamp,value\n";
  const std::vector<bad_data> cases = {
      {"wrong header", "time,value\n", "C", "x.csv:1: invalid NAB header"},
      {"empty file", "", "C", "x.csv:1: invalid NAB header"},
      {"missing field", header + "2014-01-01 00:00:00\n", "C",
       "x.csv:2: expected 2 fields separated by ',', found 1"},
      {"extra field", header + "2014-01-01 00:00:00,1,2\n", "C",
       "x.csv:2: expected 2 fields"},
      {"bad value", header + "2014-01-01 00:00:00,1.0\n2014-01-01 00:05:00,x\n",
       "C", "x.csv:3: column 'value': 'x' is not a number"},
      {"bad timestamp", header + "01/01/2014 00:00,1\n", "C",
       "x.csv:2: column 'timestamp'"},
      {"no unit", header, "", "no unit given"},
      {"wrong quantity", header, "bar", "unit 'bar' is invalid"},
  };
  for (const bad_data& input : cases) {
    SCOPED_TRACE(input.name);
    nab_options options;
    options.unit = input.unit;
    auto readings = parse_nab(input.text, "x.csv", "a", options, std::nullopt);
    ASSERT_FALSE(readings);
    EXPECT_NE(readings.error().find(input.message), std::string::npos)
        << readings.error();
  }
}

TEST(nab_reader, missing_windows_file_reported) {
  nab_options options;
  options.unit = "C";
  options.windows_path = "/nonexistent/ntscada/windows.json";
  auto readings = read_nab("/nonexistent/ntscada/x.csv", "a", options);
  ASSERT_FALSE(readings);
  EXPECT_NE(readings.error().find("file not found"), std::string::npos)
      << readings.error();
}

TEST(data_set, missing_file_reported) {
  data_set_options options;
  options.asset_id = "a";
  auto loaded = load_data_set("/nonexistent/ntscada/x.csv", options);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error(), "/nonexistent/ntscada/x.csv: file not found");
}

}  // namespace
}  // namespace ntscada

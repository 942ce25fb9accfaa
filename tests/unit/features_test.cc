#include <gtest/gtest.h>

#include <cmath>

#include "features/feature_extractor.h"
#include "features/reference_statistics.h"

namespace ntscada {
namespace {

constexpr epoch_ns kBaseTime = 1'717'243'200'000'000'000;  // Sat 12:00 UTC
constexpr epoch_ns kMinute = 60'000'000'000;

std::size_t column(std::string_view name) {
  for (std::size_t i = 0; i < feature_names.size(); ++i) {
    if (feature_names[i] == name) return i;
  }
  ADD_FAILURE() << "no feature " << name;
  return 0;
}

TEST(ReferenceStatisticsTest, HandComputedValues) {
  // Values 1, 2, 3, 4, 10: mean 4, deviations -3 -2 -1 0 6.
  // m2 = (9 + 4 + 1 + 0 + 36) / 5 = 10, m3 = (-27 - 8 - 1 + 0 + 216) / 5 = 36,
  // m4 = (81 + 16 + 1 + 0 + 1296) / 5 = 278.8.
  std::vector<double> values{1, 2, 3, 4, 10};
  value_statistics s = compute_statistics(values);
  EXPECT_DOUBLE_EQ(s.mean, 4);
  EXPECT_DOUBLE_EQ(s.standard_deviation, std::sqrt(10.0));
  EXPECT_DOUBLE_EQ(s.minimum, 1);
  EXPECT_DOUBLE_EQ(s.maximum, 10);
  EXPECT_DOUBLE_EQ(s.median, 3);
  EXPECT_DOUBLE_EQ(s.skewness, 36 / std::pow(10.0, 1.5));
  EXPECT_DOUBLE_EQ(s.kurtosis, 278.8 / 100 - 3);
  EXPECT_EQ(s.count, 5u);
}

TEST(ReferenceStatisticsTest, ConstantSensorScalesByOne) {
  std::vector<double> values{7, 7, 7, 7};
  value_statistics s = compute_statistics(values);
  EXPECT_DOUBLE_EQ(s.standard_deviation, 0);
  EXPECT_DOUBLE_EQ(s.scale(), 1);
  EXPECT_DOUBLE_EQ(s.skewness, 0);
  EXPECT_DOUBLE_EQ(s.kurtosis, 0);
  EXPECT_DOUBLE_EQ(s.median, 7);
}

TEST(ReferenceStatisticsTest, LookupFallsBackToType) {
  reference_statistics stats;
  stats.set_type("temperature", {.mean = 50, .standard_deviation = 5});
  stats.set_sensor("a/t", {.mean = 20, .standard_deviation = 2});
  EXPECT_EQ(stats.find("a/t", "temperature").mean, 20);
  EXPECT_EQ(stats.find("b/t", "temperature").mean, 50);
  EXPECT_EQ(stats.find("c/x", "humidity").mean, 0);
  EXPECT_EQ(stats.find("c/x", "humidity").scale(), 1);
}

class FeatureExtractorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    statistics_.set_sensor("pump/temp", {.mean = 50,
                                         .standard_deviation = 10,
                                         .minimum = 0,
                                         .maximum = 100,
                                         .median = 45,
                                         .skewness = 0.5,
                                         .kurtosis = -1});
    statistics_.set_sensor("pump/pressure",
                           {.mean = 5, .standard_deviation = 1});
  }
  reference_statistics statistics_;
};

TEST_F(FeatureExtractorTest, SchemaHasStableLength) {
  EXPECT_EQ(feature_count, 33u);
  EXPECT_EQ(feature_names.front(), "hour_of_day");
  EXPECT_EQ(feature_names.back(), "type_current");
}

TEST_F(FeatureExtractorTest, ValuesOfOneReading) {
  feature_extractor extractor(statistics_);
  auto slot = extractor.intern({"pump/temp", "temperature", "pump", "C"});
  std::vector<float> out(feature_count);
  extractor.extract(slot, kBaseTime, 70, out);
  EXPECT_EQ(out[column("hour_of_day")], 12);
  EXPECT_EQ(out[column("day_of_week")], 5);  // 2024-06-01 is a Saturday
  EXPECT_EQ(out[column("day_of_month")], 1);
  EXPECT_FLOAT_EQ(out[column("value_z")], 2.0f);         // (70 - 50) / 10
  EXPECT_FLOAT_EQ(out[column("value_minmax")], 0.7f);    // 70 / 100
  EXPECT_FLOAT_EQ(out[column("value_median_z")], 2.5f);  // (70 - 45) / 10
  EXPECT_FLOAT_EQ(out[column("reference_skewness")], 0.5f);
  EXPECT_FLOAT_EQ(out[column("mean_5_z")], 2.0f);
  EXPECT_FLOAT_EQ(out[column("std_5_z")], 0.0f);
  EXPECT_FLOAT_EQ(out[column("window_fill")], 1.0f / 30);
  EXPECT_EQ(out[column("asset_pressure_z")], 0.0f);  // imputed: no reading
  EXPECT_EQ(out[column("type_temperature")], 1.0f);
  EXPECT_EQ(out[column("type_pressure")], 0.0f);
}

TEST_F(FeatureExtractorTest, RollingWindowsSlide) {
  feature_extractor extractor(statistics_);
  auto slot = extractor.intern({"pump/temp", "temperature", "pump", "C"});
  std::vector<float> out(feature_count);
  // Values 0, 10, ..., 60: the 5-window contains 20, 30, 40, 50, 60.
  for (int i = 0; i <= 6; ++i) {
    extractor.extract(slot, kBaseTime + i * kMinute, 10.0 * i, out);
  }
  EXPECT_FLOAT_EQ(out[column("mean_5_z")], -1.0f);  // (40 - 50) / 10
  EXPECT_FLOAT_EQ(out[column("min_5_z")], -3.0f);   // (20 - 50) / 10
  EXPECT_FLOAT_EQ(out[column("max_5_z")], 1.0f);    // (60 - 50) / 10
  // Population deviation of 20..60 step 10 is sqrt(200) = 14.142.
  EXPECT_FLOAT_EQ(out[column("std_5_z")],
                  static_cast<float>(std::sqrt(200.0) / 10));
  // The 10-window contains all seven values 0..60, mean 30.
  EXPECT_FLOAT_EQ(out[column("mean_10_z")], -2.0f);
  EXPECT_FLOAT_EQ(out[column("window_fill")], 7.0f / 30);
}

TEST_F(FeatureExtractorTest, AssetContextUsesOtherSensors) {
  feature_extractor extractor(statistics_);
  auto temp = extractor.intern({"pump/temp", "temperature", "pump", "C"});
  auto pressure =
      extractor.intern({"pump/pressure", "pressure", "pump", "bar"});
  std::vector<float> out(feature_count);
  extractor.extract(pressure, kBaseTime, 7, out);  // z = 2
  extractor.extract(temp, kBaseTime + kMinute, 40, out);
  EXPECT_FLOAT_EQ(out[column("asset_pressure_z")], 2.0f);
  EXPECT_FLOAT_EQ(out[column("asset_temperature_z")], 0.0f);  // only itself
}

TEST_F(FeatureExtractorTest, BatchMatchesOnline) {
  // One interleaved sequence of two assets, fed to the batch path whole and
  // to a separate online extractor reading by reading.
  reading_history history;
  std::vector<sensor_info> sensors{{"pump/temp", "temperature", "pump", "C"},
                                   {"pump/pressure", "pressure", "pump", "bar"},
                                   {"fan/vib", "vibration", "fan", "g"},
                                   {"loose", "humidity", "", "%"}};
  for (int i = 0; i < 500; ++i) {
    const sensor_info& sensor = sensors[static_cast<std::size_t>(i) % 4];
    double value = 40 + 15 * std::sin(i * 0.1) + (i % 7);
    reading r{.sensor_id = sensor.sensor_id,
              .sensor_type = sensor.sensor_type,
              .value = value,
              .unit = sensor.unit,
              .timestamp = kBaseTime + i * kMinute};
    if (!sensor.asset_id.empty()) r.asset_id = sensor.asset_id;
    history.append(r);
  }
  reference_statistics stats =
      reference_statistics::compute(history, 0, history.size());
  std::vector<float> batch = extract_features(history, stats);

  feature_extractor online(stats);
  std::vector<float> row(feature_count);
  for (std::size_t i = 0; i < history.size(); ++i) {
    const sensor_info& sensor = history.sensors()[history.sensor_column()[i]];
    online.extract(online.intern(sensor), history.timestamps()[i],
                   history.values()[i], row);
    for (std::size_t f = 0; f < feature_count; ++f) {
      ASSERT_NEAR(batch[i * feature_count + f], row[f], 1e-9)
          << "row " << i << " feature " << feature_names[f];
    }
  }
}

}  // namespace
}  // namespace ntscada

#include "simulate/plant_simulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "rules/envelope_table.h"
#include "rules/rule_scorer.h"

namespace ntscada {
namespace {

constexpr epoch_ns kSecond = 1'000'000'000;
constexpr epoch_ns kMinute = 60 * kSecond;
constexpr epoch_ns kDay = 24 * 60 * kMinute;
// 2024-06-01T00:00:00Z.
constexpr epoch_ns kStart = 1'717'200'000 * kSecond;

plant_simulator make_simulator(plant_options options) {
  auto simulator = plant_simulator::create(std::move(options));
  EXPECT_TRUE(simulator) << simulator.error();
  return std::move(simulator).value();
}

envelope_table plant_rules() {
  auto table = envelope_table::parse(plant_envelope_toml(), "plant");
  EXPECT_TRUE(table) << table.error();
  return std::move(table).value();
}

TEST(plant_simulator, rejects_invalid_options) {
  plant_options no_assets;
  no_assets.asset_count = 0;
  EXPECT_FALSE(plant_simulator::create(no_assets));

  plant_options zero_step;
  zero_step.step = 0;
  auto result = plant_simulator::create(zero_step);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().find("step 0 ns is invalid"), std::string::npos);

  plant_options no_plant;
  no_plant.plant_id = "";
  EXPECT_FALSE(plant_simulator::create(no_plant));
}

TEST(plant_simulator, tick_layout_and_times) {
  plant_options options;
  options.start_time = kStart;
  options.step = 30 * kSecond;
  plant_simulator simulator = make_simulator(options);
  ASSERT_EQ(simulator.sensor_count(), 18u);
  EXPECT_EQ(simulator.next_time(), kStart);

  const std::vector<reading>& first = simulator.next_tick();
  ASSERT_EQ(first.size(), 18u);
  for (std::size_t i = 0; i < first.size(); ++i) {
    const reading& r = first[i];
    std::size_t asset = i / 6 + 1;
    std::string type(plant_sensor_types[i % 6]);
    EXPECT_EQ(r.sensor_id,
              "plant-1/asset-" + std::to_string(asset) + "/" + type);
    EXPECT_EQ(r.asset_id, "plant-1/asset-" + std::to_string(asset));
    EXPECT_EQ(r.sensor_type, type);
    EXPECT_EQ(r.timestamp, kStart);
    EXPECT_TRUE(std::isfinite(r.value));
    EXPECT_EQ(r.labels.anomaly, false) << r.sensor_id;
  }
  EXPECT_EQ(first[0].unit, "C");
  EXPECT_EQ(first[1].unit, "bar");
  EXPECT_EQ(first[2].unit, "l/min");
  EXPECT_EQ(first[3].unit, "g");
  EXPECT_EQ(first[4].unit, "V");
  EXPECT_EQ(first[5].unit, "A");

  EXPECT_EQ(simulator.next_tick().front().timestamp, kStart + 30 * kSecond);
  EXPECT_EQ(simulator.next_tick().front().timestamp, kStart + 60 * kSecond);
  EXPECT_EQ(simulator.next_time(), kStart + 90 * kSecond);
}

TEST(plant_simulator, same_seed_same_output) {
  plant_options options;
  options.seed = 42;
  options.step = 10 * kMinute;
  plant_simulator a = make_simulator(options);
  plant_simulator b = make_simulator(options);
  options.seed = 43;
  plant_simulator c = make_simulator(options);
  bool differs = false;
  for (int tick = 0; tick < 1000; ++tick) {
    const std::vector<reading> from_a = a.next_tick();
    const std::vector<reading>& from_b = b.next_tick();
    const std::vector<reading>& from_c = c.next_tick();
    for (std::size_t i = 0; i < from_a.size(); ++i) {
      ASSERT_EQ(from_a[i].value, from_b[i].value) << "tick " << tick;
      ASSERT_EQ(from_a[i].labels.anomaly, from_b[i].labels.anomaly);
      if (from_a[i].value != from_c[i].value) differs = true;
    }
  }
  EXPECT_TRUE(differs);
}

// Pins the first values for seed 7 to catch unintended changes of the
// random stream. Tolerance 1e-9 leaves room for last-bit differences in
// std::log, std::sin and std::cos between C libraries.
TEST(plant_simulator, seed_7_first_values) {
  plant_options options;
  options.seed = 7;
  options.start_time = kStart;
  plant_simulator simulator = make_simulator(options);
  const std::vector<reading>& tick = simulator.next_tick();
  const std::vector<double> expected = {64.847780505603,  6.149122685585,
                                        106.145817659405, 0.251364216194,
                                        404.621939172016, 24.088906689472};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(tick[i].value, expected[i], 1e-9) << tick[i].sensor_id;
  }
}

TEST(plant_simulator, envelope_toml_parses) {
  auto table = envelope_table::parse(plant_envelope_toml(), "plant");
  ASSERT_TRUE(table) << table.error();
  EXPECT_EQ(table->type_rule_count(), 6u);
  EXPECT_EQ(table->name().substr(0, 16), "simulated-plant#");
  for (std::string_view type : plant_sensor_types) {
    const envelope_rule& rule = table->find("plant-1/asset-1/x", type);
    EXPECT_EQ(rule.band, anomaly_band::lo_hi) << type;
    EXPECT_TRUE(rule.limits.validate().empty()) << type;
  }
  const envelope& temperature = table->find("", "temperature").limits;
  EXPECT_DOUBLE_EQ(temperature.lo, 54.0);
  EXPECT_DOUBLE_EQ(temperature.hi, 76.0);
  EXPECT_DOUBLE_EQ(temperature.hihi, 87.0);
}

TEST(plant_simulator, labels_follow_active_fault) {
  plant_options options;
  options.seed = 3;
  options.step = kMinute;
  plant_simulator simulator = make_simulator(options);
  const std::map<fault_kind, std::set<std::string_view>> affected = {
      {fault_kind::overheating, {"temperature"}},
      {fault_kind::pressure_loss, {"pressure", "flow_rate"}},
      {fault_kind::bearing_wear, {"vibration"}},
      {fault_kind::over_voltage, {"voltage"}},
      {fault_kind::motor_overload, {"current", "temperature"}},
  };
  std::set<fault_kind> seen;
  for (epoch_ns t = 0; t < 10 * kDay; t += options.step) {
    const std::vector<reading>& tick = simulator.next_tick();
    for (std::size_t i = 0; i < tick.size(); ++i) {
      std::optional<fault_kind> fault = simulator.active_fault(i / 6);
      bool expected =
          fault && affected.at(*fault).contains(tick[i].sensor_type);
      ASSERT_EQ(tick[i].labels.anomaly, expected)
          << tick[i].sensor_id << " at " << t;
      if (fault) seen.insert(*fault);
    }
  }
  EXPECT_EQ(seen.size(), affected.size());
}

// Counts of the rule scorer's verdicts against the simulator's labels.
struct confusion {
  std::size_t true_positive = 0;
  std::size_t false_positive = 0;
  std::size_t false_negative = 0;
  std::size_t true_negative = 0;

  double precision() const {
    return static_cast<double>(true_positive) /
           static_cast<double>(true_positive + false_positive);
  }
  double recall() const {
    return static_cast<double>(true_positive) /
           static_cast<double>(true_positive + false_negative);
  }
  double false_positive_rate() const {
    return static_cast<double>(false_positive) /
           static_cast<double>(false_positive + true_negative);
  }
};

confusion score_simulation(std::uint64_t seed, epoch_ns duration) {
  plant_options options;
  options.seed = seed;
  options.start_time = kStart;
  options.step = kMinute;
  plant_simulator simulator = make_simulator(options);
  rule_scorer scorer(plant_rules());
  confusion counts;
  for (epoch_ns t = 0; t < duration; t += options.step) {
    for (const reading& r : simulator.next_tick()) {
      bool flagged = scorer.score_one(r).anomaly;
      bool labelled = r.labels.anomaly.value();
      if (flagged && labelled) ++counts.true_positive;
      if (flagged && !labelled) ++counts.false_positive;
      if (!flagged && labelled) ++counts.false_negative;
      if (!flagged && !labelled) ++counts.true_negative;
    }
  }
  return counts;
}

TEST(plant_simulator, rule_scorer_finds_faults) {
  confusion counts = score_simulation(2024, 4 * kDay);
  std::printf(
      "seed 2024, 4 days at 1 min, 3 assets: TP %zu FP %zu FN %zu TN %zu, "
      "precision %.4f recall %.4f\n",
      counts.true_positive, counts.false_positive, counts.false_negative,
      counts.true_negative, counts.precision(), counts.recall());
  ASSERT_GT(counts.true_positive + counts.false_negative, 0u);
  EXPECT_GE(counts.recall(), 0.6);
  EXPECT_GE(counts.precision(), 0.8);
}

TEST(plant_simulator, normal_operation_stays_in_band) {
  confusion counts = score_simulation(11, 7 * kDay);
  std::printf("seed 11, 7 days: false-positive rate %.6f (%zu of %zu)\n",
              counts.false_positive_rate(), counts.false_positive,
              counts.false_positive + counts.true_negative);
  EXPECT_LT(counts.false_positive_rate(), 1e-3);
}

}  // namespace
}  // namespace ntscada

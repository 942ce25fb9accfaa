#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "reading/reading.h"

namespace ntscada {

// Sensor types of every simulated asset, in the order of a tick's readings.
inline constexpr std::array<std::string_view, 6> plant_sensor_types = {
    "temperature", "pressure", "flow_rate", "vibration", "voltage", "current"};

// Faults that the simulator injects, with the sensors they push out of the
// normal band:
//   overheating     temperature up
//   pressure_loss   pressure and flow_rate down
//   bearing_wear    vibration up, growing over the first 40 % of the episode
//   over_voltage    voltage up
//   motor_overload  current and temperature up
enum class fault_kind {
  overheating,
  pressure_loss,
  bearing_wear,
  over_voltage,
  motor_overload,
};

std::string_view to_string(fault_kind kind);

struct plant_options {
  std::string plant_id = "plant-1";
  std::size_t asset_count = 3;
  std::uint64_t seed = 1;
  // Timestamp of the first tick.
  epoch_ns start_time = 0;
  // Simulated time between ticks in nanoseconds. Must be positive.
  epoch_ns step = 1'000'000'000;
};

// A synthetic plant of identical assets, each with one sensor per entry of
// plant_sensor_types. A value is the sum of these parts:
//   - the type's operating point and a fixed per-asset offset,
//   - a daily cycle by UTC time of day,
//   - a slow mean-reverting drift and Gaussian noise,
//   - during a fault episode, a fault deviation of 2 to 2.6 times the
//     type's normal margin (see plant_envelope_toml).
// Episodes start 4 to 28 h after the previous one on the same asset ends
// and last 30 min to 4 h. Readings of the affected sensors carry
// labels.anomaly = true for the whole episode, ramps included. All other
// readings carry false.
//
// The output depends only on the options. Random numbers come from
// std::mt19937_64 with hand-written uniform and Box-Muller transforms,
// because the standard library's distributions differ between
// implementations. NOTE: noise, drift and the daily cycle go through
// std::log, std::exp, std::sin and std::cos, which C libraries need not
// round correctly, so the last bits of values may differ between
// platforms. Episode times and fault kinds use integer arithmetic only.
class plant_simulator {
 public:
  // Creates a simulator, or returns an error when asset_count is 0, step is
  // not positive or plant_id is empty.
  static result<plant_simulator, std::string> create(plant_options options);

  // Simulates the next tick and returns one reading per sensor, asset by
  // asset, each in the order of plant_sensor_types. The first call returns
  // the tick at options.start_time and each further call advances by
  // options.step. The reference stays valid until the next call.
  const std::vector<reading>& next_tick();

  // Timestamp of the tick that the next call to next_tick returns.
  epoch_ns next_time() const { return next_time_; }

  std::size_t sensor_count() const { return readings_.size(); }
  const plant_options& options() const { return options_; }

  // The fault active on asset `asset` (0-based) at the last tick, if any.
  std::optional<fault_kind> active_fault(std::size_t asset) const;

 private:
  struct episode {
    fault_kind kind = fault_kind::overheating;
    epoch_ns start = 0;
    epoch_ns end = 0;      // exclusive
    double magnitude = 0;  // in normal margins of each affected type
  };

  struct sensor_state {
    double offset = 0;  // fixed per-asset deviation from the nominal value
    double drift = 0;
  };

  struct asset_state {
    std::array<sensor_state, plant_sensor_types.size()> sensors;
    episode next_episode;  // in progress when in_episode, else the next one
    bool in_episode = false;
  };

  explicit plant_simulator(plant_options options);

  double next_uniform();
  double next_normal();
  std::int64_t next_integer(std::int64_t low, std::int64_t high);
  episode schedule_episode(epoch_ns after);
  double fault_deviation(const asset_state& asset, std::size_t type,
                         epoch_ns time, bool& affected) const;

  plant_options options_;
  std::mt19937_64 engine_;
  std::optional<double> spare_normal_;
  std::vector<asset_state> assets_;
  std::vector<reading> readings_;
  epoch_ns next_time_ = 0;
  bool started_ = false;
};

// Returns the envelope rules (TOML for envelope_table::parse) that fit the
// simulator's operating points. Each sensor type has a normal margin
//   m = asset spread + daily amplitude + 4 drift SD + 4.5 noise SD,
// rounded up to two significant digits. Its limits are
// nominal + (-2, -1, -0.5, 0.5, 1, 2) * m, and a reading is anomalous
// outside [Lo, Hi]. Normal operation leaves [Lo, Hi] only when drift plus
// noise exceeds 4 drift plus 4.5 noise standard deviations. A fault
// deviation of 2 m or more leaves it unless the normal variation of that
// moment offsets more than m of it.
std::string plant_envelope_toml();

}  // namespace ntscada

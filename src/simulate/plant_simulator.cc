#include "simulate/plant_simulator.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <ranges>

namespace ntscada {
namespace {

constexpr epoch_ns kNanosPerSecond = 1'000'000'000;
constexpr epoch_ns kNanosPerHour = 3600 * kNanosPerSecond;
constexpr epoch_ns kNanosPerDay = 24 * kNanosPerHour;

// Normal behaviour of one sensor type, in its canonical unit.
struct operating_point {
  std::string_view unit;
  double nominal;
  double asset_spread;     // per-asset offset, uniform in +-asset_spread
  double daily_amplitude;  // amplitude of the daily cosine
  double peak_hour;        // UTC hour of the daily maximum
  double drift_sd;         // stationary standard deviation of the drift
  double noise_sd;         // standard deviation of the per-reading noise
};

// Indexed like plant_sensor_types: a motor-driven pump on a 400 V supply.
constexpr std::array<operating_point, plant_sensor_types.size()>
    kOperatingPoints = {{
        {"C", 65.0, 2.0, 3.0, 15.0, 0.8, 0.6},
        {"bar", 6.0, 0.15, 0.15, 4.0, 0.05, 0.06},
        {"l/min", 120.0, 4.0, 8.0, 12.0, 2.0, 1.5},
        {"g", 0.25, 0.02, 0.02, 12.0, 0.005, 0.008},
        {"V", 400.0, 2.0, 3.0, 0.0, 1.0, 1.5},
        {"A", 25.0, 0.8, 1.5, 12.0, 0.4, 0.4},
    }};

constexpr std::size_t kTemperature = 0;
constexpr std::size_t kPressure = 1;
constexpr std::size_t kFlowRate = 2;
constexpr std::size_t kVibration = 3;
constexpr std::size_t kVoltage = 4;
constexpr std::size_t kCurrent = 5;

// Correlation time of the drift.
constexpr double kDriftTimeNs = 12.0 * static_cast<double>(kNanosPerHour);

constexpr epoch_ns kMinGap = 4 * kNanosPerHour;
constexpr epoch_ns kMaxGap = 28 * kNanosPerHour;
constexpr epoch_ns kMinDuration = kNanosPerHour / 2;
constexpr epoch_ns kMaxDuration = 4 * kNanosPerHour;
constexpr double kMinMagnitude = 2.0;
constexpr double kMaxMagnitude = 2.6;

constexpr std::array kFaultKinds = {
    fault_kind::overheating, fault_kind::pressure_loss,
    fault_kind::bearing_wear, fault_kind::over_voltage,
    fault_kind::motor_overload};

// Half-width of the normal band [Lo, Hi] around the nominal value, rounded
// up to two significant digits.
double normal_margin(const operating_point& point) {
  double margin = point.asset_spread + std::abs(point.daily_amplitude) +
                  4.0 * point.drift_sd + 4.5 * point.noise_sd;
  double unit = std::pow(10.0, std::floor(std::log10(margin)) - 1.0);
  return std::ceil(margin / unit - 1e-9) * unit;
}

// Direction in which `kind` pushes sensor type `type`: +1 up, -1 down, 0
// when the type is not affected.
double fault_direction(fault_kind kind, std::size_t type) {
  switch (kind) {
    case fault_kind::overheating:
      return type == kTemperature ? 1.0 : 0.0;
    case fault_kind::pressure_loss:
      return type == kPressure || type == kFlowRate ? -1.0 : 0.0;
    case fault_kind::bearing_wear:
      return type == kVibration ? 1.0 : 0.0;
    case fault_kind::over_voltage:
      return type == kVoltage ? 1.0 : 0.0;
    case fault_kind::motor_overload:
      return type == kCurrent || type == kTemperature ? 1.0 : 0.0;
  }
  return 0.0;
}

// Fraction of the full deviation at `progress` in [0, 1) through an
// episode: a linear ramp up over the first 10 % and down over the last
// 10 %. Bearing wear instead grows over the first 40 % and stops at once,
// as when the bearing is replaced.
double fault_shape(fault_kind kind, double progress) {
  double ramp_up = kind == fault_kind::bearing_wear ? 0.4 : 0.1;
  double ramp_down = kind == fault_kind::bearing_wear ? 0.0 : 0.1;
  if (progress < ramp_up) return progress / ramp_up;
  if (ramp_down > 0 && progress > 1.0 - ramp_down) {
    return (1.0 - progress) / ramp_down;
  }
  return 1.0;
}

// Formats a limit as a TOML float: six significant digits, always with a
// decimal point or an exponent.
std::string format_limit(double value) {
  std::string text = fmt::format("{:.6g}", value);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

}  // namespace

std::string_view to_string(fault_kind kind) {
  switch (kind) {
    case fault_kind::overheating:
      return "overheating";
    case fault_kind::pressure_loss:
      return "pressure_loss";
    case fault_kind::bearing_wear:
      return "bearing_wear";
    case fault_kind::over_voltage:
      return "over_voltage";
    case fault_kind::motor_overload:
      return "motor_overload";
  }
  return "unknown";
}

result<plant_simulator, std::string> plant_simulator::create(
    plant_options options) {
  if (options.asset_count == 0) {
    return failure{
        std::string("plant simulator: asset count must be at "
                    "least 1")};
  }
  if (options.step <= 0) {
    return failure{
        fmt::format("plant simulator: step {} ns is invalid; "
                    "expected a positive number of nanoseconds",
                    options.step)};
  }
  if (options.plant_id.empty()) {
    return failure{std::string("plant simulator: plant id is empty")};
  }
  return plant_simulator(std::move(options));
}

plant_simulator::plant_simulator(plant_options options)
    : options_(std::move(options)),
      engine_(options_.seed),
      next_time_(options_.start_time) {
  assets_.resize(options_.asset_count);
  for (std::size_t a = 0; a < assets_.size(); ++a) {
    asset_state& asset = assets_[a];
    for (std::size_t t = 0; t < plant_sensor_types.size(); ++t) {
      const operating_point& point = kOperatingPoints[t];
      asset.sensors[t].offset =
          point.asset_spread * (2.0 * next_uniform() - 1.0);
      asset.sensors[t].drift = point.drift_sd * next_normal();

      reading& r = readings_.emplace_back();
      r.asset_id = fmt::format("{}/asset-{}", options_.plant_id, a + 1);
      r.sensor_id = fmt::format("{}/{}", *r.asset_id, plant_sensor_types[t]);
      r.sensor_type = plant_sensor_types[t];
      r.unit = point.unit;
    }
    asset.next_episode = schedule_episode(options_.start_time);
  }
}

double plant_simulator::next_uniform() {
  // The top 53 bits give every double in [0, 1) with step 2^-53.
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double plant_simulator::next_normal() {
  if (spare_normal_) {
    double value = *spare_normal_;
    spare_normal_.reset();
    return value;
  }
  // Box-Muller; 1 - u lies in (0, 1], so the logarithm is finite.
  double radius = std::sqrt(-2.0 * std::log(1.0 - next_uniform()));
  double angle = 2.0 * std::numbers::pi * next_uniform();
  spare_normal_ = radius * std::sin(angle);
  return radius * std::cos(angle);
}

std::int64_t plant_simulator::next_integer(std::int64_t low,
                                           std::int64_t high) {
  // The modulo bias is below 2^-30 for the ranges used here.
  auto span = static_cast<std::uint64_t>(high - low) + 1;
  return low + static_cast<std::int64_t>(engine_() % span);
}

plant_simulator::episode plant_simulator::schedule_episode(epoch_ns after) {
  episode next;
  // Whole seconds keep the timing independent of floating point.
  std::int64_t gap_s =
      next_integer(kMinGap / kNanosPerSecond, kMaxGap / kNanosPerSecond);
  std::int64_t duration_s = next_integer(kMinDuration / kNanosPerSecond,
                                         kMaxDuration / kNanosPerSecond);
  next.start = after + gap_s * kNanosPerSecond;
  next.end = next.start + duration_s * kNanosPerSecond;
  next.kind = kFaultKinds[static_cast<std::size_t>(
      next_integer(0, kFaultKinds.size() - 1))];
  next.magnitude =
      kMinMagnitude + (kMaxMagnitude - kMinMagnitude) * next_uniform();
  return next;
}

double plant_simulator::fault_deviation(const asset_state& asset,
                                        std::size_t type, epoch_ns time,
                                        bool& affected) const {
  affected = false;
  if (!asset.in_episode) return 0.0;
  const episode& current = asset.next_episode;
  double direction = fault_direction(current.kind, type);
  if (direction == 0.0) return 0.0;
  affected = true;
  double progress = static_cast<double>(time - current.start) /
                    static_cast<double>(current.end - current.start);
  return direction * current.magnitude * normal_margin(kOperatingPoints[type]) *
         fault_shape(current.kind, progress);
}

const std::vector<reading>& plant_simulator::next_tick() {
  epoch_ns time = next_time_;
  double drift_keep = 0.0;
  if (started_) {
    drift_keep = std::exp(-static_cast<double>(options_.step) / kDriftTimeNs);
  }
  double drift_fresh = std::sqrt(1.0 - drift_keep * drift_keep);

  // Hours since UTC midnight, also for times before 1970.
  epoch_ns into_day = ((time % kNanosPerDay) + kNanosPerDay) % kNanosPerDay;
  double hour =
      static_cast<double>(into_day) / static_cast<double>(kNanosPerHour);

  for (std::size_t a = 0; a < assets_.size(); ++a) {
    asset_state& asset = assets_[a];
    // With a step longer than an episode, episodes that fall between two
    // ticks are skipped.
    while (time >= asset.next_episode.end) {
      asset.next_episode = schedule_episode(asset.next_episode.end);
    }
    asset.in_episode = time >= asset.next_episode.start;

    for (std::size_t t = 0; t < plant_sensor_types.size(); ++t) {
      const operating_point& point = kOperatingPoints[t];
      sensor_state& sensor = asset.sensors[t];
      // Ornstein-Uhlenbeck drift, sampled exactly for any step, so the
      // drift's spread does not depend on the tick rate. The first tick
      // keeps the drift drawn at construction.
      sensor.drift = drift_keep * sensor.drift +
                     drift_fresh * point.drift_sd * next_normal();
      double daily =
          point.daily_amplitude *
          std::cos(2.0 * std::numbers::pi * (hour - point.peak_hour) / 24.0);
      bool affected = false;
      double fault = fault_deviation(asset, t, time, affected);
      double value = point.nominal + sensor.offset + daily + sensor.drift +
                     point.noise_sd * next_normal() + fault;
      // Only temperature can be negative.
      if (t != kTemperature) value = std::max(value, 0.0);

      reading& r = readings_[a * plant_sensor_types.size() + t];
      r.value = value;
      r.timestamp = time;
      r.labels.anomaly = affected;
    }
  }
  started_ = true;
  next_time_ = time + options_.step;
  return readings_;
}

std::optional<fault_kind> plant_simulator::active_fault(
    std::size_t asset) const {
  if (asset >= assets_.size() || !assets_[asset].in_episode) {
    return std::nullopt;
  }
  return assets_[asset].next_episode.kind;
}

std::string plant_envelope_toml() {
  std::string out =
      "# Envelope rules for the synthetic plant of plant_simulator.h,\n"
      "# generated by plant_envelope_toml(). Per sensor type, with margin m\n"
      "# = asset spread + daily amplitude + 4 drift SD + 4.5 noise SD:\n"
      "# limits = nominal + (-2, -1, -0.5, 0.5, 1, 2) * m.\n"
      "name = \"simulated-plant\"\n"
      "\n"
      "[default]\n"
      "anomaly_band = \"lo_hi\"\n";
  static constexpr std::array<double, 6> kSteps = {-2.0, -1.0, -0.5,
                                                   0.5,  1.0,  2.0};
  for (std::size_t t = 0; t < plant_sensor_types.size(); ++t) {
    const operating_point& point = kOperatingPoints[t];
    double margin = normal_margin(point);
    std::array<double, 6> limits{};
    for (std::size_t i = 0; i < limits.size(); ++i) {
      limits[i] = point.nominal + kSteps[i] * margin;
    }
    fmt::format_to(
        std::back_inserter(out),
        "\n# {} in {}: nominal {}, m = {}\n"
        "[sensor_type.{}]\n"
        "limits = [{}]\n",
        plant_sensor_types[t], point.unit, format_limit(point.nominal),
        format_limit(margin), plant_sensor_types[t],
        fmt::join(limits | std::views::transform(format_limit), ", "));
  }
  return out;
}

}  // namespace ntscada

#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace ntscada {

// Sizes of the rolling windows, in readings of the same sensor. Each window
// ends with (and includes) the reading being described.
inline constexpr std::array<std::size_t, 3> rolling_windows = {5, 10, 30};

// Sensor types that get their own asset-context and type-indicator columns.
inline constexpr std::array<std::string_view, 6> featured_sensor_types = {
    "temperature", "pressure", "flow_rate", "vibration", "voltage", "current"};

// The feature vector, in order. A model stores these names and serving
// refuses a model whose names differ (see model metadata).
//
// Units: "_z" features are in the sensor's reference standard deviations,
// relative to its reference mean (std and window spreads are divided by the
// reference deviation only). Imputation: a value with no history yet uses
// the windows it has (at least the reading itself); an asset sensor type
// with no recent reading gives 0, the reference mean.
inline constexpr std::array<std::string_view, 33> feature_names = {
    "hour_of_day",     // 0-23, UTC
    "day_of_week",     // 0 = Monday ... 6 = Sunday, UTC
    "day_of_month",    // 1-31, UTC
    "value_z",         // (value - mean) / std
    "value_minmax",    // (value - min) / (max - min), 1 as divisor if 0
    "value_median_z",  // (value - median) / std
    "reference_skewness",
    "reference_kurtosis",  // excess kurtosis
    "mean_5_z",
    "std_5_z",
    "min_5_z",
    "max_5_z",
    "mean_10_z",
    "std_10_z",
    "min_10_z",
    "max_10_z",
    "mean_30_z",
    "std_30_z",
    "min_30_z",
    "max_30_z",
    "window_fill",  // readings in the 30-window / 30: below 1 while warming up
    "asset_temperature_z",  // mean latest value_z of the asset's other
    "asset_pressure_z",     // sensors of each type
    "asset_flow_rate_z",
    "asset_vibration_z",
    "asset_voltage_z",
    "asset_current_z",
    "type_temperature",  // 1 for the reading's own type, else 0
    "type_pressure",
    "type_flow_rate",
    "type_vibration",
    "type_voltage",
    "type_current",
};

inline constexpr std::size_t feature_count = feature_names.size();

}  // namespace ntscada

#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "replay/labelled_reading.h"

namespace ntscada {

// A labelled anomaly window, inclusive at both ends.
struct time_window {
  epoch_ns start = 0;
  epoch_ns end = 0;
};

struct nab_options {
  // Sensor id of the readings. Empty means "<asset_id>/value", named after
  // the CSV column as SKAB sensor ids are.
  std::string sensor_id;
  // Unit of the values, which NAB does not state, so the caller must choose
  // it. Values are converted to the canonical temperature unit (C), and the
  // reading keeps the original value and unit when they differ.
  std::string unit;
  // NAB windows file (the format of NAB's labels/combined_windows.json).
  // When set, labels.anomaly is true for rows inside a window and false
  // elsewhere. When unset, labels.anomaly stays empty.
  std::optional<std::filesystem::path> windows_path;
  // Key of the data file's entry in the windows file, such as
  // "realKnownCause/machine_temperature_system_failure.csv". Empty means
  // the only key whose last '/'-separated part is the data file's name.
  std::string windows_key;
};

// Extracts one data file's windows from a NAB windows document: a JSON
// object that maps keys to arrays of ["start", "end"] timestamp pairs
// ("2013-12-10 06:25:00.000000", no zone, read as UTC). `data_file_name`
// and `key` select the entry as described for nab_options::windows_key.
// Errors name `source`, the key and the invalid value.
result<std::vector<time_window>, std::string> parse_nab_windows(
    std::string_view json, std::string_view source,
    std::string_view data_file_name, std::string_view key);

result<std::vector<time_window>, std::string> read_nab_windows(
    const std::filesystem::path& path, std::string_view data_file_name,
    std::string_view key);

// True when `header_line` is the NAB header "timestamp,value".
bool is_nab_header(std::string_view header_line);

// Parses a NAB data file (Numenta Anomaly Benchmark): the header
// "timestamp,value", then rows "YYYY-MM-DD hh:mm:ss,<number>" with no zone,
// read as UTC. Each row yields one reading of type "temperature", in file
// order, even where timestamps repeat or go backwards. With `windows`,
// labels.anomaly is true when the timestamp lies in a window (ends
// included). Errors name `source` and the 1-based line.
result<std::vector<labelled_reading>, std::string> parse_nab(
    std::string_view text, std::string_view source, std::string_view asset_id,
    const nab_options& options,
    std::optional<std::span<const time_window>> windows);

// Reads the NAB file at `path` and, if options.windows_path is set, its
// windows (see parse_nab and parse_nab_windows).
result<std::vector<labelled_reading>, std::string> read_nab(
    const std::filesystem::path& path, std::string_view asset_id,
    const nab_options& options);

}  // namespace ntscada

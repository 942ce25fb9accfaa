#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"
#include "replay/labelled_reading.h"

namespace ntscada {

struct replay_input_options {
  // Unit of NAB values, which NAB does not state.
  std::string nab_unit = "C";
};

struct replay_inputs {
  std::vector<labelled_reading> readings;
  // True when every file was in the SKAB format.
  bool skab_only = true;
};

// Loads data set files for replay. A directory stands for its *.csv files
// in name order. A SKAB file's asset id is its folder ("valve1" for
// skab/valve1/0.csv), because a folder contains recordings of one rig; a NAB
// file's is "<folder>/<file stem>". A NAB file picks up the
// labels in combined_windows.json beside it when that file exists.
result<replay_inputs, std::string> load_replay_inputs(
    const std::vector<std::filesystem::path>& paths,
    const replay_input_options& options);

// Shifts every timestamp by the same amount so that the newest reading is
// stamped `now`, keeping the spacing between readings.
void rewrite_timestamps(std::vector<labelled_reading>& readings, epoch_ns now);

}  // namespace ntscada

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reading/reading.h"
#include "scoring/score.h"

namespace ntscada {

// Where a message was read from.
struct source_position {
  std::string_view topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

// Appends the `scada.processed` record for one scored reading: the reading's
// fields (value and unit canonical, timestamp as RFC 3339 UTC), the verdict,
// the detector, the processing time and the source position. The source
// position doubles as a stable id to recognise duplicates after a replay.
void append_result_json(std::string& out, const reading& r, const score& s,
                        std::string_view detector, epoch_ns processing_time,
                        const source_position& source);

// Appends `r` in the input format of `scada.sensors`, with the timestamp as
// RFC 3339 UTC. Used by the replay and simulate commands.
void append_reading_json(std::string& out, const reading& r);

}  // namespace ntscada

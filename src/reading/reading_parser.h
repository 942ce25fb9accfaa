#pragma once

#include <simdjson.h>

#include <chrono>
#include <cstddef>
#include <string_view>

#include "common/result.h"
#include "reading/reading.h"
#include "reading/reject_reason.h"

namespace ntscada {

struct reading_parser_options {
  // Messages larger than this are rejected before parsing.
  std::size_t max_message_bytes = 64 * 1024;
  // When true a reading without `unit` is rejected with unit_missing,
  // because an envelope in engineering units cannot judge a number of
  // unknown unit.
  bool require_unit = true;
  // Readings older than this instant are rejected as implausible
  // (default 2000-01-01T00:00:00Z).
  epoch_ns min_timestamp = 946'684'800'000'000'000;
  // Readings further than this ahead of the processing clock are rejected
  // with timestamp_in_future.
  std::chrono::nanoseconds max_future_skew = std::chrono::minutes(5);
};

// Validates one Kafka message as a sensor reading (the format is described in
// docs/reading-format.md). The parser reuses simdjson buffers between calls,
// so one instance must not be used by two threads at once.
class reading_parser {
 public:
  explicit reading_parser(reading_parser_options options = {});

  // Parses `message`. `now` is the processing time used for the
  // future-skew check. Never throws for bad input: every problem is
  // returned as a rejection with a fixed reason and a detail.
  result<reading, rejection> parse(std::string_view message, epoch_ns now);

  const reading_parser_options& options() const { return options_; }

 private:
  result<reading, rejection> parse_document(std::string_view json,
                                            epoch_ns now);
  rejection classify_parse_error(std::string_view json,
                                 simdjson::error_code error);

  reading_parser_options options_;
  simdjson::dom::parser dom_parser_;
  simdjson::ondemand::parser ondemand_parser_;
};

}  // namespace ntscada

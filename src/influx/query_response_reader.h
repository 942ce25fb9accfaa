#pragma once

#include <simdjson.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace ntscada {

// One chunk of one series of a query result. The views and the rows point
// into the reader's buffer and are valid only during the handler call.
struct influx_series_chunk {
  std::string_view name;
  // GROUP BY tags of the series, empty without GROUP BY.
  std::vector<std::pair<std::string_view, std::string_view>> tags;
  // Column names; the first is "time".
  std::vector<std::string_view> columns;
  // One array per row, its values in column order (null where a row has
  // no value for a column).
  simdjson::dom::array rows;
};

// Parses the body of an InfluxQL /query response incrementally: with
// chunked=true the server sends one JSON object per line, each holding at
// most chunk_size rows, so the reader keeps one line in memory at a time
// instead of the whole result. A response without chunking is one line and
// works too. Statement errors ("error" members) fail the read.
//
// Not thread-safe.
class query_response_reader {
 public:
  using chunk_handler =
      std::function<result<bool, std::string>(const influx_series_chunk&)>;

  // `max_line_bytes` bounds the buffer: a longer line fails the read,
  // because the server did not chunk the response as asked.
  query_response_reader(chunk_handler handler, std::size_t max_line_bytes);

  // Appends response bytes and handles every line they complete.
  result<bool, std::string> feed(std::string_view bytes);
  // Handles a last line that has no line feed after it. Call once at the
  // end of the response.
  result<bool, std::string> finish();

  // Series chunks handed to the handler so far.
  std::size_t chunks() const { return chunks_; }
  // The largest buffered line so far, in bytes.
  std::size_t max_buffered_bytes() const { return max_buffered_; }

 private:
  result<bool, std::string> handle_line(std::string_view line);

  chunk_handler handler_;
  std::size_t max_line_bytes_;
  std::string buffer_;
  // Bytes of `buffer_` already searched for a line feed.
  std::size_t scanned_ = 0;
  std::size_t chunks_ = 0;
  std::size_t max_buffered_ = 0;
  simdjson::dom::parser parser_;
  influx_series_chunk chunk_;
};

}  // namespace ntscada

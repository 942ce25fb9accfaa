#include "influx/query_response_reader.h"

#include <fmt/format.h>

#include <algorithm>

namespace ntscada {

query_response_reader::query_response_reader(chunk_handler handler,
                                             std::size_t max_line_bytes)
    : handler_(std::move(handler)), max_line_bytes_(max_line_bytes) {}

result<bool, std::string> query_response_reader::feed(std::string_view bytes) {
  buffer_.append(bytes);
  std::size_t consumed = 0;
  while (true) {
    std::size_t end = buffer_.find('\n', std::max(scanned_, consumed));
    if (end == std::string::npos) break;
    std::string_view line(buffer_.data() + consumed, end - consumed);
    max_buffered_ = std::max(max_buffered_, line.size());
    auto handled = handle_line(line);
    if (!handled) return handled;
    consumed = end + 1;
  }
  buffer_.erase(0, consumed);
  scanned_ = buffer_.size();
  max_buffered_ = std::max(max_buffered_, buffer_.size());
  if (buffer_.size() > max_line_bytes_) {
    return failure{fmt::format(
        "a query response line exceeds {} bytes; the server did not send "
        "the result in chunks as requested",
        max_line_bytes_)};
  }
  return true;
}

result<bool, std::string> query_response_reader::finish() {
  std::string rest = std::move(buffer_);
  buffer_.clear();
  scanned_ = 0;
  if (rest.find_first_not_of(" \t\r\n") == std::string::npos) return true;
  return handle_line(rest);
}

result<bool, std::string> query_response_reader::handle_line(
    std::string_view line) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return true;
  simdjson::dom::element document;
  if (auto error = parser_.parse(line.data(), line.size()).get(document)) {
    return failure{fmt::format("invalid JSON in the query response: {}",
                               simdjson::error_message(error))};
  }
  std::string_view error_text;
  if (document["error"].get(error_text) == simdjson::SUCCESS) {
    return failure{std::string(error_text)};
  }
  simdjson::dom::array results;
  if (document["results"].get(results) != simdjson::SUCCESS) {
    return failure{std::string(
        "the query response has no \"results\" array; is the URL an "
        "InfluxDB server?")};
  }
  for (simdjson::dom::element statement : results) {
    if (statement["error"].get(error_text) == simdjson::SUCCESS) {
      return failure{std::string(error_text)};
    }
    simdjson::dom::array series_list;
    if (statement["series"].get(series_list) != simdjson::SUCCESS) continue;
    for (simdjson::dom::element series : series_list) {
      chunk_.name = {};
      chunk_.tags.clear();
      chunk_.columns.clear();
      if (series["name"].get(chunk_.name) != simdjson::SUCCESS) {
        chunk_.name = {};
      }
      simdjson::dom::object tags;
      if (series["tags"].get(tags) == simdjson::SUCCESS) {
        for (auto [key, value] : tags) {
          std::string_view text;
          if (value.get(text) != simdjson::SUCCESS) text = {};
          chunk_.tags.emplace_back(key, text);
        }
      }
      simdjson::dom::array columns;
      if (series["columns"].get(columns) != simdjson::SUCCESS) {
        return failure{std::string(
            "a series in the query response has no \"columns\" array")};
      }
      for (simdjson::dom::element column : columns) {
        std::string_view name;
        if (column.get(name) != simdjson::SUCCESS) {
          return failure{std::string(
              "a column name in the query response is not a string")};
        }
        chunk_.columns.push_back(name);
      }
      if (series["values"].get(chunk_.rows) != simdjson::SUCCESS) continue;
      ++chunks_;
      auto handled = handler_(chunk_);
      if (!handled) return handled;
    }
  }
  return true;
}

}  // namespace ntscada

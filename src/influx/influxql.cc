#include "influx/influxql.h"

namespace ntscada {
namespace {

std::string quote(std::string_view text, char quote_char) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back(quote_char);
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\\' || c == quote_char) out.push_back('\\');
    out.push_back(c);
  }
  out.push_back(quote_char);
  return out;
}

}  // namespace

std::string quote_identifier(std::string_view name) { return quote(name, '"'); }

std::string quote_string(std::string_view text) { return quote(text, '\''); }

}  // namespace ntscada

#pragma once

#include <string>
#include <string_view>

namespace ntscada {

// Quoting for InfluxQL as InfluxDB 1.x and the 2.x /query compatibility
// endpoint parse it. Inside both quoted forms the parser reads \\, \', \"
// and \n as escapes and rejects other escapes. So backslashes are doubled
// and line feeds written as \n. Any other byte, UTF-8 included, is kept.

// Returns `name` as a double-quoted identifier, such as "pump-07/temp.c"
// for a measurement, tag key or field key. Always quoting keeps names with
// dots, hyphens or keywords from being read as something else.
std::string quote_identifier(std::string_view name);

// Returns `text` as a single-quoted string literal, such as 'tank\'3' for
// the value tank'3.
std::string quote_string(std::string_view text);

}  // namespace ntscada

#include "replay/data_set.h"

#include <fmt/format.h>

#include "replay/csv_text.h"
#include "replay/skab_reader.h"

namespace ntscada {

std::string_view to_string(data_set_format format) {
  switch (format) {
    case data_set_format::skab:
      return "skab";
    case data_set_format::nab:
      return "nab";
  }
  return "unknown";
}

result<data_set, std::string> load_data_set(const std::filesystem::path& path,
                                            const data_set_options& options) {
  auto text = read_text_file(path);
  if (!text) return failure{text.error()};

  line_splitter lines(text.value());
  std::string_view header;
  lines.next(header);
  std::string source = path.string();

  data_set out;
  if (is_skab_header(header)) {
    auto readings = parse_skab(text.value(), source, options.asset_id);
    if (!readings) return failure{readings.error()};
    out.format = data_set_format::skab;
    out.readings = std::move(readings.value());
    return out;
  }
  if (is_nab_header(header)) {
    // read_nab reads the file again, which costs little next to parsing.
    auto readings = read_nab(path, options.asset_id, options.nab);
    if (!readings) return failure{readings.error()};
    out.format = data_set_format::nab;
    out.readings = std::move(readings.value());
    return out;
  }
  return failure{
      fmt::format("{}:1: unknown data-set header '{}'; expected "
                  "a SKAB header starting with 'datetime;' or the "
                  "NAB header 'timestamp,value'",
                  source, header)};
}

}  // namespace ntscada

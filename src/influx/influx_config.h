#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ntscada {

// The HTTP API that an InfluxDB server speaks.
enum class influx_api {
  // InfluxDB 1.x: /write?db=&rp= and /query with HTTP basic authentication.
  v1,
  // InfluxDB 2.x: /api/v2/write?org=&bucket= and the 1.x-compatible /query,
  // both with "Authorization: Token <token>".
  v2,
};

// Returns "v1" or "v2"; parse_influx_api accepts "1", "v1", "2" and "v2".
std::string_view to_string(influx_api api);
result<influx_api, std::string> parse_influx_api(std::string_view text);

// Whether writes are gzip-compressed.
enum class influx_compression {
  // gzip until the server responds with 415 Unsupported Media Type, then plain.
  automatic,
  gzip,
  none,
};

// Connection settings of one InfluxDB database or bucket. Choosing between
// 1.x and 2.x is this configuration only, and the rest of the code is the
// same.
struct influx_config {
  // "http://host:port" or "https://host:port", optionally followed by a
  // path prefix under which a proxy serves the API. Credentials in the URL
  // are rejected, because the URL appears in messages.
  // NOTE: https is passed to cpp-httplib but untested here.
  std::string url = "http://127.0.0.1:8086";
  influx_api api = influx_api::v1;

  // 1.x: the database (required) and retention policy (empty: the
  // database's default). 2.x: the database name of the bucket's DBRP
  // mapping for /query. Empty means the bucket name, which InfluxDB 2.x
  // maps to the bucket without configuration (a virtual DBRP mapping).
  std::string database;
  std::string retention_policy;
  // 1.x: sent as HTTP basic authentication when `username` is not empty.
  std::string username;
  std::string password;

  // 2.x: organisation (name or id), bucket and API token, all required.
  std::string org;
  std::string bucket;
  std::string token;

  influx_compression compression = influx_compression::automatic;
  std::chrono::milliseconds connect_timeout{5000};
  // Maximum wait for the next bytes of a response, not for the whole of it.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  // Rows per chunk that queries request from the server (chunk_size). A
  // reader keeps about one chunk in memory at a time.
  std::size_t query_chunk_size = 10'000;

  // Checks that the fields required by `api` are set and that `url` is
  // well formed. The error names the option to fix.
  result<bool, std::string> validate() const;

  // The database name that /query takes as `db`.
  const std::string& query_database() const;

  // Describes the target for logs, such as "influxdb v1 http://h:8086
  // db=scada rp=autogen user=ingest". Never contains the password or token.
  std::string describe() const;
};

// The parts of influx_config::url.
struct influx_url {
  std::string origin;       // "http://host:port"
  std::string path_prefix;  // "" or "/prefix" without a trailing slash
};

result<influx_url, std::string> parse_influx_url(std::string_view url);

}  // namespace ntscada

// Tests of the InfluxDB client's pure parts: InfluxQL quoting, the
// configuration, chunked query responses, gzip, Retry-After, processed
// records and finding the line that a write error refers to.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "influx/gzip.h"
#include "influx/influx_client.h"
#include "influx/influx_config.h"
#include "influx/influx_ingest_target.h"
#include "influx/influxql.h"
#include "influx/processed_record.h"
#include "influx/query_response_reader.h"

namespace ntscada {
namespace {

TEST(Influxql, QuotesIdentifiers) {
  EXPECT_EQ(quote_identifier("pump-07/temp.c"), "\"pump-07/temp.c\"");
  EXPECT_EQ(quote_identifier("line\"4"), "\"line\\\"4\"");
  EXPECT_EQ(quote_identifier("select"), "\"select\"");
}

TEST(Influxql, QuotesStringLiterals) {
  EXPECT_EQ(quote_string("tank'3"), "'tank\\'3'");
  EXPECT_EQ(quote_string("dir\\"), "'dir\\\\'");
  EXPECT_EQ(quote_string("multi\nline"), "'multi\\nline'");
  EXPECT_EQ(quote_string("Kessel-Süd"), "'Kessel-Süd'");
}

TEST(InfluxConfig, RequiresDatabaseForV1) {
  influx_config config;
  auto valid = config.validate();
  ASSERT_FALSE(valid);
  EXPECT_NE(valid.error().find("--influx-database"), std::string::npos);
  config.database = "scada";
  EXPECT_TRUE(config.validate());
}

TEST(InfluxConfig, RequiresOrgBucketTokenForV2) {
  influx_config config;
  config.api = influx_api::v2;
  config.org = "plant";
  config.bucket = "scada";
  EXPECT_FALSE(config.validate());
  config.token = "secret-token";
  EXPECT_TRUE(config.validate());
  EXPECT_EQ(config.query_database(), "scada");
}

TEST(InfluxConfig, DescriptionHasNoSecrets) {
  influx_config v1;
  v1.database = "scada";
  v1.username = "ingest";
  v1.password = "pa55-word";
  EXPECT_EQ(v1.describe(),
            "influxdb v1 http://127.0.0.1:8086 db=scada "
            "user=ingest");
  influx_config v2;
  v2.api = influx_api::v2;
  v2.org = "o";
  v2.bucket = "b";
  v2.token = "tok-123456";
  EXPECT_EQ(v2.describe().find("tok-123456"), std::string::npos);
}

TEST(InfluxConfig, RejectsCredentialsInUrl) {
  EXPECT_FALSE(parse_influx_url("http://user:pw@host:8086"));
  EXPECT_FALSE(parse_influx_url("ftp://host"));
  auto parsed = parse_influx_url("https://host:8086/influx/");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->origin, "https://host:8086");
  EXPECT_EQ(parsed->path_prefix, "/influx");
}

TEST(QueryResponseReader, ParsesChunksSplitAnywhere) {
  std::string body =
      "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"r\","
      "\"columns\":[\"time\",\"value\"],\"values\":[[1,2.5],[2,3]],"
      "\"partial\":true}],\"partial\":true}]}\n"
      "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"r\","
      "\"columns\":[\"time\",\"value\"],\"values\":[[3,4]]}]}]}\n";
  for (std::size_t piece : {1u, 7u, 1000u}) {
    std::vector<std::pair<std::int64_t, double>> rows;
    query_response_reader reader(
        [&](const influx_series_chunk& chunk) -> result<bool, std::string> {
          EXPECT_EQ(chunk.name, "r");
          EXPECT_EQ(chunk.columns.size(), 2u);
          for (simdjson::dom::element row : chunk.rows) {
            simdjson::dom::array cells = row.get_array();
            std::int64_t time = 0;
            double value = 0;
            auto cell = cells.begin();
            EXPECT_EQ((*cell).get(time), simdjson::SUCCESS);
            ++cell;
            EXPECT_EQ((*cell).get(value), simdjson::SUCCESS);
            rows.emplace_back(time, value);
          }
          return true;
        },
        1 << 20);
    for (std::size_t at = 0; at < body.size(); at += piece) {
      ASSERT_TRUE(reader.feed(std::string_view(body).substr(at, piece)));
    }
    ASSERT_TRUE(reader.finish());
    ASSERT_EQ(rows.size(), 3u) << "piece " << piece;
    EXPECT_EQ(rows[0], std::make_pair(std::int64_t{1}, 2.5));
    EXPECT_EQ(rows[2], std::make_pair(std::int64_t{3}, 4.0));
    EXPECT_EQ(reader.chunks(), 2u);
    EXPECT_LT(reader.max_buffered_bytes(), body.size());
  }
}

TEST(QueryResponseReader, ReportsStatementErrors) {
  query_response_reader reader(
      [](const influx_series_chunk&) -> result<bool, std::string> {
        return true;
      },
      1 << 20);
  auto fed = reader.feed(
      "{\"results\":[{\"statement_id\":0,\"error\":\"database not found: "
      "x\"}]}\n");
  ASSERT_FALSE(fed);
  EXPECT_EQ(fed.error(), "database not found: x");
}

TEST(QueryResponseReader, BoundsUnchunkedLines) {
  query_response_reader reader(
      [](const influx_series_chunk&) -> result<bool, std::string> {
        return true;
      },
      16);
  auto fed = reader.feed("{\"results\":[{\"statement_id\":0,");
  ASSERT_FALSE(fed);
  EXPECT_NE(fed.error().find("exceeds 16 bytes"), std::string::npos);
}

TEST(Gzip, RoundTrips) {
  std::string text;
  for (int i = 0; i < 1000; ++i) {
    text += "readings,sensor_id=s" + std::to_string(i % 10) + " value=1 1\n";
  }
  auto packed = gzip_compress(text);
  ASSERT_TRUE(packed);
  EXPECT_LT(packed->size(), text.size() / 5);
  EXPECT_EQ(static_cast<unsigned char>((*packed)[0]), 0x1f);
  auto unpacked = gzip_decompress(packed.value());
  ASSERT_TRUE(unpacked);
  EXPECT_EQ(unpacked.value(), text);
}

TEST(RetryAfter, ParsesSecondsAndDates) {
  auto now = std::chrono::system_clock::from_time_t(1'796'412'988);
  EXPECT_EQ(parse_retry_after("30", now), std::chrono::seconds(30));
  // 1796412988 is Fri, 04 Dec 2026 19:36:28 GMT.
  EXPECT_EQ(parse_retry_after("Fri, 04 Dec 2026 19:36:58 GMT", now),
            std::chrono::seconds(30));
  EXPECT_EQ(parse_retry_after("Fri, 04 Dec 2026 19:00:00 GMT", now),
            std::chrono::milliseconds(0));
  EXPECT_FALSE(parse_retry_after("soon", now));
}

TEST(InfluxError, ClassifiesStatuses) {
  influx_error error;
  error.type = influx_error::kind::transport;
  EXPECT_TRUE(error.retryable());
  error.type = influx_error::kind::http;
  for (int status : {408, 429, 500, 503}) {
    error.status = status;
    EXPECT_TRUE(error.retryable()) << status;
  }
  for (int status : {400, 401, 404, 413, 422}) {
    error.status = status;
    EXPECT_FALSE(error.retryable()) << status;
  }
  error.status = 401;
  EXPECT_TRUE(error.configuration_error());
  error.status = 400;
  EXPECT_FALSE(error.configuration_error());
}

TEST(PercentEncode, EncodesReservedBytes) {
  EXPECT_EQ(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
}

TEST(OffendingLine, QuotedByParseError) {
  std::string lines = "m,s=a value=1 1\nm,s=b value=x 2\nm,s=c value=3 3\n";
  auto found = find_offending_line(
      lines, "unable to parse 'm,s=b value=x 2': invalid number");
  EXPECT_TRUE(found.identified);
  EXPECT_EQ(found.line, "m,s=b value=x 2");
}

TEST(OffendingLine, NamedByFieldTypeConflict) {
  std::string lines =
      "other value=1 1\nreadings,s=a note=\"x\" 2\nreadings,s=b value=3 3\n";
  auto found = find_offending_line(
      lines,
      "partial write: field type conflict: input field \"value\" on "
      "measurement \"readings\" is type float, already exists as type "
      "integer dropped=1");
  EXPECT_TRUE(found.identified);
  EXPECT_EQ(found.line, "readings,s=b value=3 3");
}

TEST(OffendingLine, FallsBackToFirstLine) {
  auto found = find_offending_line("a v=1 1\nb v=2 2\n", "request too large");
  EXPECT_FALSE(found.identified);
  EXPECT_EQ(found.line, "a v=1 1");
}

TEST(ProcessedRecord, ParsesStreamProcessorOutput) {
  auto parsed = parse_processed_record(
      R"({"sensor_id":"pump-07/temp","sensor_type":"temperature","value":85,)"
      R"("unit":"C","timestamp":"2024-06-01T12:00:01.000Z",)"
      R"("asset_id":"pump-07","anomaly_detected":true,"confidence":0.75,)"
      R"("operational_state":"HIGH","severity":"MEDIUM",)"
      R"("category":"THERMAL_PRESSURE","detector":"rules:default",)"
      R"("processing_timestamp":"2026-12-04T16:31:57.100Z",)"
      R"("source":{"topic":"scada.sensors","partition":0,"offset":0}})");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->input.sensor_id, "pump-07/temp");
  EXPECT_EQ(parsed->input.value, 85.0);
  EXPECT_EQ(parsed->input.timestamp, 1'717'243'201'000'000'000);
  EXPECT_EQ(parsed->input.asset_id, "pump-07");
  EXPECT_TRUE(parsed->anomaly_detected);
  EXPECT_EQ(parsed->confidence, 0.75);
  EXPECT_EQ(parsed->operational_state, "HIGH");
  EXPECT_EQ(parsed->severity, "MEDIUM");
}

TEST(ProcessedRecord, RejectsMissingVerdict) {
  auto parsed =
      parse_processed_record(R"({"sensor_id":"s","sensor_type":"t","value":1,)"
                             R"("timestamp":"2024-06-01T12:00:01Z"})");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().find("anomaly_detected"), std::string::npos);
}

}  // namespace
}  // namespace ntscada

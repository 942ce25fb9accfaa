// Tests of influx_client in InfluxDB 2.x mode against the in-process fake
// server, because Debian 12 packages only InfluxDB 1.6, which has no
// /api/v2/write.
#include <gtest/gtest.h>

#include "influx/influx_history_store.h"
#include "influx/influx_ingest_target.h"
#include "support/fake_influxdb2_server.h"

namespace ntscada {
namespace {

constexpr const char* kToken = "tok-v2-Secret-123";

class InfluxV2Test : public ::testing::Test {
 protected:
  InfluxV2Test() : server_(kToken) {}

  influx_config config() const {
    influx_config result;
    result.url = server_.url();
    result.api = influx_api::v2;
    result.org = "plant org";
    result.bucket = "scada/raw";
    result.token = kToken;
    result.query_chunk_size = 1234;
    return result;
  }

  std::unique_ptr<influx_client> client(influx_config settings) {
    auto created = influx_client::create(std::move(settings));
    EXPECT_TRUE(created) << (created ? "" : created.error());
    return std::move(created.value());
  }

  testing::fake_influxdb2_server server_;
};

TEST_F(InfluxV2Test, WriteSendsOrgBucketPrecisionAndToken) {
  auto writer = client(config());
  std::string lines = "readings,sensor_id=s value=1.5 1717243200000000000\n";
  auto written = writer->write(lines);
  ASSERT_TRUE(written) << written.error().describe();

  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const testing::influx_request& request = requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/api/v2/write");
  EXPECT_EQ(request.param("org"), "plant org");
  EXPECT_EQ(request.param("bucket"), "scada/raw");
  EXPECT_EQ(request.param("precision"), "ns");
  EXPECT_EQ(request.param("db"), "");
  EXPECT_EQ(request.authorization, std::string("Token ") + kToken);
  EXPECT_EQ(request.content_encoding, "gzip");
  EXPECT_EQ(request.body, lines);
}

TEST_F(InfluxV2Test, QueryUsesCompatibilityEndpoint) {
  server_.set_query_response(
      "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"readings\","
      "\"columns\":[\"time\",\"value\",\"anomaly_label\",\"sensor_id\","
      "\"sensor_type\",\"asset_id\",\"unit\"],\"values\":[[1717243200000000000,"
      "1.5,null,\"s\",\"temperature\",null,\"C\"]],\"partial\":true}],"
      "\"partial\":true}]}\n"
      "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"readings\","
      "\"columns\":[\"time\",\"value\",\"anomaly_label\",\"sensor_id\","
      "\"sensor_type\",\"asset_id\",\"unit\"],\"values\":[[1717243201000000000,"
      "2.5,true,\"s\",\"temperature\",null,\"C\"]]}]}]}\n");
  auto store = influx_history_store::create(config());
  ASSERT_TRUE(store);
  auto loaded = store.value()->load(
      {1'717'243'200'000'000'000, 1'717'243'300'000'000'000, {"s"}});
  ASSERT_TRUE(loaded) << loaded.error();
  // The count query gets the same canned response, whose values are no
  // counts; that only sizes the columns, so the rows still load.
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ(loaded->values()[1], 2.5);
  EXPECT_EQ(loaded->anomaly_labels()[0], kNoLabel);
  EXPECT_EQ(loaded->anomaly_labels()[1], 1);

  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  const testing::influx_request& select = requests[1];
  EXPECT_EQ(select.method, "GET");
  EXPECT_EQ(select.path, "/query");
  EXPECT_EQ(select.param("db"), "scada/raw");
  EXPECT_EQ(select.param("chunked"), "true");
  EXPECT_EQ(select.param("chunk_size"), "1234");
  EXPECT_EQ(select.param("epoch"), "ns");
  EXPECT_EQ(select.authorization, std::string("Token ") + kToken);
  EXPECT_EQ(select.param("q"),
            "SELECT \"value\",\"anomaly_label\",\"sensor_id\","
            "\"sensor_type\",\"asset_id\",\"unit\" FROM \"readings\" WHERE "
            "time >= 1717243200000000000 AND time < 1717243300000000000 AND "
            "(\"sensor_id\" = 's')");
}

TEST_F(InfluxV2Test, DatabaseOverridesBucketForQueries) {
  influx_config settings = config();
  settings.database = "mapped_db";
  auto reader = client(settings);
  ASSERT_TRUE(reader->query("SHOW MEASUREMENTS",
                            [](const influx_series_chunk&)
                                -> result<bool, std::string> { return true; }));
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].param("db"), "mapped_db");
}

TEST_F(InfluxV2Test, RetryableStatusesCarryRetryAfter) {
  auto writer = client(config());
  server_.fail_next_write(429, "too many requests", "7");
  auto busy = writer->write("m v=1 1\n");
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().status, 429);
  EXPECT_TRUE(busy.error().retryable());
  EXPECT_EQ(busy.error().retry_after, std::chrono::seconds(7));
  EXPECT_EQ(busy.error().message, "too many requests");

  server_.fail_next_write(503, "unavailable");
  auto down = writer->write("m v=1 1\n");
  ASSERT_FALSE(down);
  EXPECT_TRUE(down.error().retryable());

  server_.fail_next_write(400, "unable to parse 'm v=': missing field value");
  auto bad = writer->write("m v= 1\n");
  ASSERT_FALSE(bad);
  EXPECT_FALSE(bad.error().retryable());
  EXPECT_FALSE(bad.error().configuration_error());
}

TEST_F(InfluxV2Test, IngestTargetMapsStatusesToActions) {
  auto store = influx_history_store::create(config());
  ASSERT_TRUE(store);
  influx_ingest_target target(*store.value(), influx_record_kind::readings, {},
                              1 << 20);
  const char* message =
      R"({"sensor_id":"s","sensor_type":"temperature","value":1,)"
      R"("unit":"C","timestamp":1717243200000})";
  ASSERT_FALSE(target.add(message, 1'717'243'200'000'000'000));

  server_.fail_next_write(429, "slow down", "3");
  auto busy = target.write();
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().next, ingest_write_error::action::retry);
  EXPECT_EQ(busy.error().retry_after, std::chrono::seconds(3));
  EXPECT_EQ(target.size(), 1u) << "a failed batch stays pending";

  server_.fail_next_write(422, "partial write: points beyond retention");
  auto rejected = target.write();
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().next, ingest_write_error::action::dead_letter);
  EXPECT_NE(rejected.error().message.find("HTTP 422: partial write"),
            std::string::npos);

  ASSERT_TRUE(target.write());
  EXPECT_EQ(target.size(), 0u);
}

TEST_F(InfluxV2Test, FallsBackToPlainBodyOn415) {
  server_.reject_gzip();
  auto writer = client(config());
  ASSERT_TRUE(writer->write("m v=1 1\n"));
  EXPECT_FALSE(writer->compressing());
  ASSERT_TRUE(writer->write("m v=2 2\n"));
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].content_encoding, "gzip");
  EXPECT_EQ(requests[1].content_encoding, "");
  EXPECT_EQ(requests[1].body, "m v=1 1\n");
  EXPECT_EQ(requests[2].content_encoding, "");
}

TEST_F(InfluxV2Test, ExplicitGzipDoesNotFallBack) {
  server_.reject_gzip();
  influx_config settings = config();
  settings.compression = influx_compression::gzip;
  auto writer = client(settings);
  auto written = writer->write("m v=1 1\n");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().status, 415);
}

TEST_F(InfluxV2Test, WrongTokenIsConfigurationError) {
  influx_config settings = config();
  settings.token = "not-the-token";
  auto writer = client(settings);
  auto written = writer->write("m v=1 1\n");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().status, 401);
  EXPECT_TRUE(written.error().configuration_error());
  EXPECT_EQ(written.error().message, "unauthorized access");
  EXPECT_EQ(written.error().describe().find("not-the-token"),
            std::string::npos);
}

}  // namespace
}  // namespace ntscada

// The metrics registry and its Prometheus text, without sockets: every series
// present from the start, counters moving, the histogram cumulative, labels
// only from the fixed set. The counters over real sockets are checked in
// signaling_session_test.cpp.
#include "gateway/metrics.hpp"
#include "gateway/operations.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <string>

using namespace tessera;
using namespace tessera::gateway;
using namespace std::chrono_literals;
namespace http = boost::beast::http;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

}  // namespace

TEST_CASE("metrics_render_every_series_at_zero_before_anything_happens", "[gateway][metrics]") {
  const Metrics m;
  const auto text = m.render();
  CHECK(has_line(text, "# TYPE tessera_gateway_http_connections_open gauge"));
  CHECK(has_line(text, "tessera_gateway_http_connections_open 0"));
  CHECK(has_line(text, "tessera_gateway_signaling_connections_open 0"));
  CHECK(has_line(text, "tessera_gateway_rooms_open 0"));
  CHECK(has_line(text, "# TYPE tessera_gateway_messages_relayed_total counter"));
  CHECK(has_line(text, "tessera_gateway_messages_relayed_total 0"));
  CHECK(has_line(text, "# TYPE tessera_gateway_rejects_total counter"));
  for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
    const auto name = std::string(reject_reason_name(static_cast<RejectReason>(i)));
    INFO(name);
    CHECK(has_line(text, "tessera_gateway_rejects_total{reason=\"" + name + "\"} 0"));
  }
  CHECK(has_line(text, "# TYPE tessera_gateway_relay_latency_seconds histogram"));
  CHECK(has_line(text, "tessera_gateway_relay_latency_seconds_bucket{le=\"+Inf\"} 0"));
  CHECK(has_line(text, "tessera_gateway_relay_latency_seconds_sum 0.000000000"));
  CHECK(has_line(text, "tessera_gateway_relay_latency_seconds_count 0"));
  CHECK(text.back() == '\n');
}

TEST_CASE("metrics_count_connections_rooms_relays_and_rejects", "[gateway][metrics]") {
  Metrics m;
  m.http_opened();
  m.http_opened();
  m.http_closed();
  m.signaling_opened();
  m.set_rooms_open(3);
  m.rejected(RejectReason::rate_limited);
  m.rejected(RejectReason::rate_limited);
  m.rejected(reject_reason_for(SignalingErrorCode::room_limit));
  m.relayed(30us);     // first bucket
  m.relayed(700us);    // le 0.001
  m.relayed(2s);       // +Inf only
  const auto text = m.render();
  CHECK(has_line(text, "tessera_gateway_http_connections_open 1"));
  CHECK(has_line(text, "tessera_gateway_signaling_connections_open 1"));
  CHECK(has_line(text, "tessera_gateway_rooms_open 3"));
  CHECK(has_line(text, "tessera_gateway_messages_relayed_total 3"));
  CHECK(has_line(text, "tessera_gateway_rejects_total{reason=\"rate_limited\"} 2"));
  CHECK(has_line(text, "tessera_gateway_rejects_total{reason=\"room_limit\"} 1"));
  CHECK(has_line(text, "tessera_gateway_rejects_total{reason=\"bad_message\"} 0"));
  // Cumulative buckets.
  CHECK(has_line(text, "tessera_gateway_relay_latency_seconds_bucket{le=\"0.00005\"} 1"));
  CHECK(has_line(text, "tessera_gateway_relay_latency_seconds_bucket{le=\"0.0005\"} 1"));
  CHECK(has_line(text, "tessera_gateway_relay_latency_seconds_bucket{le=\"0.001\"} 2"));
  CHECK(has_line(text, "tessera_gateway_relay_latency_seconds_bucket{le=\"1\"} 2"));
  CHECK(has_line(text, "tessera_gateway_relay_latency_seconds_bucket{le=\"+Inf\"} 3"));
  CHECK(has_line(text, "tessera_gateway_relay_latency_seconds_sum 2.000730000"));
  CHECK(has_line(text, "tessera_gateway_relay_latency_seconds_count 3"));
}

TEST_CASE("reject_reasons_use_the_wire_names_of_the_signaling_error_codes", "[gateway][metrics]") {
  for (const auto code : {SignalingErrorCode::bad_message, SignalingErrorCode::unknown_visit,
                          SignalingErrorCode::visit_full, SignalingErrorCode::not_allowed,
                          SignalingErrorCode::expired, SignalingErrorCode::rate_limited,
                          SignalingErrorCode::internal, SignalingErrorCode::too_large,
                          SignalingErrorCode::room_limit, SignalingErrorCode::timeout}) {
    CHECK(reject_reason_name(reject_reason_for(code)) == signaling_error_code_name(code));
  }
}

TEST_CASE("metrics_endpoint_serves_the_text_format_uncached", "[gateway][metrics]") {
  Metrics m;
  m.set_rooms_open(1);
  http::request<http::string_body> req{http::verb::get, "/metrics", 11};
  const auto res = handle_operations_request(req, m, true);
  REQUIRE(res);
  CHECK(res->result() == http::status::ok);
  CHECK(res->at(http::field::content_type) == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(res->at(http::field::cache_control) == "no-store");
  CHECK(res->at("X-Content-Type-Options") == "nosniff");
  CHECK(has_line(res->body(), "tessera_gateway_rooms_open 1"));
  req.method(http::verb::delete_);
  CHECK(handle_operations_request(req, m, true)->result() == http::status::method_not_allowed);
}

TEST_CASE("metrics are a plain 404 to a peer that may not read them, while healthz answers everyone",
          "[gateway][metrics]") {
  Metrics m;
  const http::request<http::string_body> metrics_req{http::verb::get, "/metrics", 11};
  const auto refused = handle_operations_request(metrics_req, m, false);
  REQUIRE(refused);
  CHECK(refused->result() == http::status::not_found);
  CHECK(refused->body().find("tessera_") == std::string::npos);
  const http::request<http::string_body> health_req{http::verb::get, "/healthz", 11};
  CHECK(handle_operations_request(health_req, m, false)->result() == http::status::ok);
}

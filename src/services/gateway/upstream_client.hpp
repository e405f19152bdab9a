#pragma once
// The gateway's keep-alive connection pools to catalog and identity, as one component of its
// main.cpp: opened from UPSTREAM_SOURCE_ADDRESS (the address the services trust), connecting
// within min(UPSTREAM_TIMEOUT, 1 s), and idle connections closed after the drain.

#include "core/config.hpp"
#include "http/client.hpp"

namespace mercato::http {
class App;
}

namespace mercato::gateway {

class UpstreamClient {
 public:
  UpstreamClient(http::App& app, const config::Settings& s);
  http::Client& client() { return client_; }

 private:
  http::Client client_;
};

}  // namespace mercato::gateway

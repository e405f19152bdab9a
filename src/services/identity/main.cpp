// mercato-identity: see ARCHITECTURE.md. This file is the service's table of contents.
#include "http/app.hpp"

int main(int argc, char** argv) {
  mercato::http::App app("identity", argc, argv);
  return app.run();
}

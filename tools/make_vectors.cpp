// Writes tests/vectors/*.json: the protocol's known-answer vectors, built
// from a fixed seed (tests/shared/vector_builder.hpp). Run once when the
// protocol changes on purpose, and commit the diff:
//   build/native/tools/make_vectors tests/vectors
#include <fstream>
#include <iostream>
#include <string>

#include "tests/shared/vector_builder.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_vectors OUTPUT_DIR\n";
    return 2;
  }
  const auto docs = tessera_vectors::build_vectors();
  if (docs.empty()) {
    std::cerr << "make_vectors: libsodium failed to initialise\n";
    return 1;
  }
  for (const auto& [name, doc] : docs) {
    const std::string path = std::string(argv[1]) + "/" + name + ".json";
    std::ofstream out(path);
    out << doc.dump(2) << "\n";
    if (!out) {
      std::cerr << "make_vectors: cannot write " << path << "\n";
      return 1;
    }
    std::cout << "wrote " << path << "\n";
  }
  return 0;
}

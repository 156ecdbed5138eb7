// The harness itself: NABLA_FAIL changes nothing here, so the runner must report a failure
// (meson expects this test to fail).
// expect: this message does not exist
#include <nabla/nabla.hpp>

int main() {
    nabla::vector<float, 2> x{1.f, 2.f};
    return static_cast<int>(x[0]);
}

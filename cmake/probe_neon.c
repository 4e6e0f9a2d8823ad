#include <arm_neon.h>
int main(void) { float16x4_t h = vcvt_f16_f32(vdupq_n_f32(1.0f)); return (int)vgetq_lane_f32(vcvt_f32_f16(h), 0); }

#include <arm_neon.h>
int main(void) { int8x16_t a = vdupq_n_s8(1); int32x4_t s = vdotq_s32(vdupq_n_s32(0), a, a); return vgetq_lane_s32(s, 0); }

/* vec_dot of the IQ2/IQ3 grid types with Q8_K activations, AVX-512 + VNNI + VBMI.
 *
 * The grids of IQ2_XXS, IQ2_XS, IQ3_XXS and IQ3_S are not loaded from memory one entry at a time (IQ2_S's,
 * 4 times larger, is: see its kernel): each grid entry is stored as a 16-bit code
 * (2 bits per weight for the IQ2 grids, 3 bits for the IQ3 grids), split into low and high bytes that
 * vpermi2b looks up 64 entries at a time in registers; vpmultishiftqb spreads each code over the bytes
 * of its weights and vpermb maps the small codes to grid values. The 7-bit sign fields (IQ2_XXS, IQ2_XS,
 * IQ3_XXS) become ksigns bytes (field + parity bit), in vector registers for the IQ2 types (a vpermi2b
 * over the ksigns table), in scalar registers for IQ3_XXS,
 * and a 64-bit mask negates the activations (IQ2_S and IQ3_S store the sign bits as they are). Products
 * are summed with vpdpbusd, and the group scales applied with vpdpwssd after packing the 32-bit sums to
 * 16 bits (they are below 2^15).
 * Zen 4 runs a 512-bit op as two 256-bit halves: vpdpbusd, vpmultishiftqb and the mask-producing
 * compares share two pipes, the permutes two (one in common), so the kernels count those ops first.
 * Q8_K activations are within [-127, 127], so negating them never overflows.
 * The code tables below were generated from the grids in csrc/core/tables.c. */
#include "vecdot_simd_avx512_vnni.h"
#include "blocks.h"
#include "tables.h"
#include <pthread.h>

/* iq2xxs: grid entry -> 2-bit value codes (value j in bits 2j), values 0x8, 0x19, 0x2b */
static const uint16_t GK_ALIGN64 codes_iq2xxs[256] = {
    0x0000, 0x0002, 0x0005, 0x0008, 0x000a, 0x0011, 0x0014, 0x0020, 0x0022, 0x0028, 0x002a, 0x0041, 0x0044, 0x0050, 0x0058, 0x0061,
    0x0064, 0x0080, 0x0082, 0x008a, 0x00a2, 0x0101, 0x0104, 0x0110, 0x0115, 0x0140, 0x0184, 0x0198, 0x0200, 0x0202, 0x0222, 0x0282,
    0x0401, 0x0404, 0x0410, 0x0421, 0x0424, 0x0440, 0x0442, 0x0448, 0x0460, 0x0481, 0x0484, 0x0490, 0x04a4, 0x0500, 0x0502, 0x0508,
    0x0520, 0x0546, 0x0569, 0x0580, 0x0591, 0x0609, 0x0610, 0x0640, 0x0684, 0x06a4, 0x0800, 0x0805, 0x0808, 0x0814, 0x0828, 0x0841,
    0x0844, 0x0850, 0x0852, 0x0888, 0x0904, 0x0940, 0x0a02, 0x0a14, 0x1001, 0x1004, 0x1010, 0x1021, 0x1040, 0x1060, 0x1084, 0x1090,
    0x1095, 0x1100, 0x1108, 0x1120, 0x1150, 0x115a, 0x1180, 0x1224, 0x1245, 0x1400, 0x1408, 0x1420, 0x1425, 0x1449, 0x1480, 0x1518,
    0x1562, 0x1600, 0x1616, 0x1801, 0x1804, 0x1810, 0x1840, 0x1881, 0x1900, 0x1905, 0x19a0, 0x1a51, 0x2000, 0x2002, 0x200a, 0x2044,
    0x2061, 0x2080, 0x2082, 0x2129, 0x2148, 0x2200, 0x2202, 0x2401, 0x2404, 0x2410, 0x2440, 0x2456, 0x2500, 0x2541, 0x2564, 0x2690,
    0x2808, 0x2820, 0x2894, 0x2a44, 0x4001, 0x4004, 0x4010, 0x4018, 0x4021, 0x4024, 0x4040, 0x4048, 0x4056, 0x4060, 0x4081, 0x4084,
    0x4090, 0x4100, 0x4120, 0x4161, 0x4180, 0x4185, 0x4201, 0x4210, 0x4248, 0x4256, 0x4268, 0x4400, 0x4408, 0x4420, 0x4480, 0x4499,
    0x4512, 0x4524, 0x4600, 0x4801, 0x4804, 0x4810, 0x4840, 0x4845, 0x4900, 0x4958, 0x4961, 0x4982, 0x4a45, 0x4a90, 0x5000, 0x5008,
    0x5011, 0x5019, 0x5020, 0x5080, 0x5088, 0x5104, 0x5142, 0x51a4, 0x5291, 0x5490, 0x5492, 0x550a, 0x5601, 0x5654, 0x5800, 0x5811,
    0x5819, 0x5864, 0x5940, 0x5a08, 0x6004, 0x6010, 0x6040, 0x6068, 0x6100, 0x6155, 0x6218, 0x6260, 0x6400, 0x6405, 0x6510, 0x6512,
    0x6584, 0x6842, 0x8000, 0x8002, 0x800a, 0x8041, 0x8082, 0x8104, 0x8118, 0x8140, 0x8211, 0x8401, 0x8404, 0x8410, 0x8415, 0x8440,
    0x8460, 0x8500, 0x8546, 0x8594, 0x8609, 0x8640, 0x8660, 0x8802, 0x8904, 0x8a11, 0x9004, 0x9010, 0x9024, 0x9040, 0x90a1, 0x9116,
    0x9180, 0x9245, 0x9400, 0x9422, 0x9444, 0x9551, 0x9881, 0x9920, 0xa002, 0xa050, 0xa085, 0xa109, 0xa200, 0xa418, 0xa850, 0xa904,
};
/* iq2xs: grid entry -> 2-bit value codes (value j in bits 2j), values 0x8, 0x19, 0x2b */
static const uint16_t GK_ALIGN64 codes_iq2xs[512] = {
    0x0000, 0x0002, 0x0005, 0x0008, 0x000a, 0x0011, 0x0014, 0x0016, 0x0019, 0x0020, 0x0022, 0x0025, 0x0028, 0x0041, 0x0044, 0x0046,
    0x0049, 0x0050, 0x0052, 0x0055, 0x0058, 0x0061, 0x0064, 0x0080, 0x0082, 0x0085, 0x0088, 0x0091, 0x0094, 0x0099, 0x00a0, 0x0101,
    0x0104, 0x0106, 0x0109, 0x0110, 0x0112, 0x0115, 0x0118, 0x011a, 0x0121, 0x0124, 0x0140, 0x0142, 0x0145, 0x0148, 0x0151, 0x0154,
    0x0160, 0x0168, 0x0181, 0x0184, 0x0190, 0x0200, 0x0202, 0x0205, 0x0208, 0x0211, 0x0214, 0x0220, 0x0241, 0x0244, 0x0250, 0x0255,
    0x0280, 0x028a, 0x0401, 0x0404, 0x0406, 0x0409, 0x0410, 0x0412, 0x0415, 0x0418, 0x0421, 0x0424, 0x0440, 0x0442, 0x0445, 0x0448,
    0x0451, 0x0454, 0x0456, 0x0460, 0x0481, 0x0484, 0x0490, 0x0500, 0x0502, 0x0505, 0x0508, 0x0511, 0x0514, 0x0520, 0x0541, 0x0544,
    0x0550, 0x0561, 0x0580, 0x0601, 0x0604, 0x0610, 0x0626, 0x0640, 0x0642, 0x0684, 0x0800, 0x0802, 0x0805, 0x0808, 0x080a, 0x0811,
    0x0814, 0x0820, 0x0825, 0x0841, 0x0844, 0x0850, 0x0858, 0x0880, 0x08a0, 0x08aa, 0x0901, 0x0904, 0x0910, 0x0940, 0x0981, 0x0989,
    0x0a00, 0x0a20, 0x0a28, 0x0a96, 0x0aa0, 0x1001, 0x1004, 0x1006, 0x1009, 0x1010, 0x1012, 0x1015, 0x1018, 0x1021, 0x1024, 0x1040,
    0x1042, 0x1045, 0x1048, 0x1051, 0x1054, 0x1060, 0x106a, 0x1081, 0x1084, 0x1090, 0x1100, 0x1102, 0x1105, 0x1108, 0x1111, 0x1114,
    0x1120, 0x1141, 0x1144, 0x1150, 0x1180, 0x1194, 0x1196, 0x1201, 0x1204, 0x1206, 0x1210, 0x1240, 0x1260, 0x1400, 0x1402, 0x1405,
    0x1408, 0x1411, 0x1414, 0x1420, 0x1441, 0x1444, 0x1449, 0x1450, 0x1464, 0x1480, 0x1501, 0x1504, 0x1510, 0x1540, 0x1600, 0x1614,
    0x1649, 0x1801, 0x1804, 0x1810, 0x1812, 0x1840, 0x1854, 0x1886, 0x1900, 0x1905, 0x1966, 0x1a51, 0x1aa9, 0x2000, 0x2002, 0x2005,
    0x2008, 0x200a, 0x2011, 0x2014, 0x2020, 0x2041, 0x2044, 0x2050, 0x2080, 0x20a0, 0x2101, 0x2104, 0x2110, 0x2140, 0x2148, 0x2165,
    0x2200, 0x2222, 0x2280, 0x22a8, 0x2401, 0x2404, 0x2410, 0x2429, 0x2440, 0x2500, 0x2541, 0x2552, 0x2599, 0x2601, 0x261a, 0x26a6,
    0x2800, 0x2808, 0x280a, 0x2820, 0x2855, 0x2888, 0x28a2, 0x2968, 0x2990, 0x2a08, 0x2a20, 0x2a82, 0x2a88, 0x2a8a, 0x4001, 0x4004,
    0x4006, 0x4009, 0x4010, 0x4012, 0x4015, 0x4018, 0x4021, 0x4024, 0x4040, 0x4042, 0x4045, 0x4048, 0x404a, 0x4051, 0x4054, 0x4060,
    0x4065, 0x4081, 0x4084, 0x4090, 0x4100, 0x4102, 0x4105, 0x4108, 0x4111, 0x4114, 0x4120, 0x4141, 0x4144, 0x4150, 0x4180, 0x4185,
    0x41a2, 0x4201, 0x4204, 0x4210, 0x4212, 0x4229, 0x4240, 0x4400, 0x4402, 0x4405, 0x4408, 0x4411, 0x4414, 0x4419, 0x4420, 0x4441,
    0x4444, 0x4450, 0x4480, 0x4494, 0x4501, 0x4504, 0x4510, 0x4524, 0x4540, 0x459a, 0x4600, 0x460a, 0x4644, 0x4650, 0x4801, 0x4804,
    0x4810, 0x4840, 0x4845, 0x4854, 0x4862, 0x4900, 0x4911, 0x4944, 0x4950, 0x4969, 0x4a04, 0x5000, 0x5002, 0x5005, 0x5008, 0x5011,
    0x5014, 0x5020, 0x5028, 0x5041, 0x5044, 0x5050, 0x5080, 0x5101, 0x5104, 0x5110, 0x5115, 0x5140, 0x5142, 0x5200, 0x5244, 0x52aa,
    0x5401, 0x5404, 0x5410, 0x5421, 0x5440, 0x5460, 0x5481, 0x54a1, 0x5500, 0x5508, 0x5580, 0x5588, 0x5621, 0x5668, 0x56a1, 0x5800,
    0x5814, 0x5841, 0x5850, 0x5899, 0x591a, 0x5940, 0x5942, 0x5a85, 0x6001, 0x6004, 0x6010, 0x6040, 0x6054, 0x6062, 0x6086, 0x60a9,
    0x6100, 0x6224, 0x624a, 0x6292, 0x6400, 0x6416, 0x6510, 0x6540, 0x6545, 0x65a4, 0x6801, 0x686a, 0x6925, 0x6a06, 0x6a54, 0x6a62,
    0x8000, 0x8002, 0x8005, 0x8008, 0x8011, 0x8014, 0x8020, 0x802a, 0x8041, 0x8044, 0x8050, 0x8080, 0x8082, 0x80a8, 0x80aa, 0x8101,
    0x8104, 0x8106, 0x8110, 0x8140, 0x8151, 0x8159, 0x8200, 0x8220, 0x8280, 0x8282, 0x82a0, 0x82a8, 0x8401, 0x8404, 0x8410, 0x8412,
    0x8415, 0x8440, 0x8460, 0x8489, 0x8500, 0x8544, 0x85a5, 0x8618, 0x866a, 0x8800, 0x8808, 0x8825, 0x885a, 0x8880, 0x8882, 0x88a8,
    0x8906, 0x8a22, 0x8a80, 0x8a88, 0x8a96, 0x8aa8, 0x9001, 0x9004, 0x9010, 0x9040, 0x9056, 0x9084, 0x9100, 0x9122, 0x9164, 0x9256,
    0x9289, 0x9400, 0x9405, 0x9444, 0x9450, 0x9458, 0x9529, 0x9590, 0x9592, 0x9641, 0x9851, 0x98a6, 0x9949, 0x9a15, 0x9a60, 0xa000,
    0xa002, 0xa008, 0xa00a, 0xa020, 0xa02a, 0xa0a0, 0xa151, 0xa159, 0xa1a6, 0xa200, 0xa202, 0xa208, 0xa22a, 0xa280, 0xa2a0, 0xa440,
    0xa495, 0xa665, 0xa698, 0xa80a, 0xa820, 0xa822, 0xa828, 0xa8a0, 0xa8a8, 0xa904, 0xa984, 0xa986, 0xaa28, 0xaa2a, 0xaa91, 0xaaaa,
};
/* iq3xxs: grid entry -> 3-bit value codes (value j in bits 3j), values 0x4, 0xc, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3e */
static const uint16_t GK_ALIGN64 codes_iq3xxs[256] = {
    0x0000, 0x0002, 0x0004, 0x0009, 0x000b, 0x000f, 0x0010, 0x0012, 0x0019, 0x0022, 0x003b, 0x003d, 0x0041, 0x0043, 0x0048, 0x004a,
    0x0051, 0x0055, 0x0058, 0x005a, 0x0061, 0x006c, 0x0078, 0x0080, 0x0082, 0x0084, 0x0089, 0x0090, 0x0092, 0x0099, 0x009b, 0x009f,
    0x00a9, 0x00af, 0x00bd, 0x00c1, 0x00c7, 0x00c8, 0x00ca, 0x00d5, 0x00f8, 0x010b, 0x011f, 0x0124, 0x012f, 0x013b, 0x013d, 0x0141,
    0x0147, 0x015a, 0x016a, 0x019d, 0x01b4, 0x01c8, 0x01cc, 0x01ce, 0x01e3, 0x01f1, 0x0201, 0x0203, 0x0208, 0x020a, 0x0211, 0x0213,
    0x0218, 0x021a, 0x021c, 0x0227, 0x0228, 0x0240, 0x0242, 0x0249, 0x0250, 0x0252, 0x0281, 0x0283, 0x0288, 0x028a, 0x0291, 0x0298,
    0x02ba, 0x02c0, 0x02c2, 0x02d0, 0x02d9, 0x02e6, 0x02f6, 0x0301, 0x0305, 0x0328, 0x0350, 0x0354, 0x0366, 0x0379, 0x0385, 0x03d2,
    0x03e0, 0x0400, 0x0402, 0x0409, 0x040b, 0x0410, 0x0412, 0x0416, 0x0419, 0x0422, 0x0441, 0x0443, 0x0445, 0x0448, 0x044a, 0x0451,
    0x0458, 0x0473, 0x0477, 0x0478, 0x0480, 0x0482, 0x0489, 0x048f, 0x0490, 0x0492, 0x049f, 0x04a0, 0x04ad, 0x04c1, 0x04c8, 0x04cc,
    0x04f8, 0x04fc, 0x051d, 0x052b, 0x0543, 0x0557, 0x0561, 0x057c, 0x05c1, 0x05c3, 0x05ce, 0x05e5, 0x0601, 0x0608, 0x060a, 0x0611,
    0x0613, 0x0628, 0x0635, 0x063a, 0x0640, 0x0642, 0x0650, 0x0659, 0x0664, 0x0666, 0x0681, 0x0683, 0x0688, 0x0695, 0x06aa, 0x06ba,
    0x06c9, 0x06db, 0x0718, 0x0727, 0x073a, 0x0740, 0x0746, 0x0752, 0x076d, 0x078c, 0x079e, 0x07b3, 0x07db, 0x07f0, 0x0804, 0x080f,
    0x081d, 0x081f, 0x082b, 0x082f, 0x087c, 0x0890, 0x089f, 0x08a0, 0x08b0, 0x08b6, 0x08c7, 0x08e5, 0x0904, 0x0929, 0x0934, 0x0955,
    0x0963, 0x0978, 0x09c5, 0x09c8, 0x09ca, 0x09d8, 0x0a0a, 0x0a21, 0x0a38, 0x0a40, 0x0a46, 0x0a56, 0x0a6d, 0x0a8c, 0x0a9a, 0x0aba,
    0x0ac2, 0x0aeb, 0x0b08, 0x0b13, 0x0b17, 0x0b3a, 0x0b42, 0x0b59, 0x0ba8, 0x0bd4, 0x0be2, 0x0c14, 0x0c24, 0x0c26, 0x0c34, 0x0c51,
    0x0c71, 0x0c8f, 0x0cb4, 0x0cd8, 0x0cde, 0x0d24, 0x0d45, 0x0d6a, 0x0d9b, 0x0dc3, 0x0dd1, 0x0e03, 0x0e05, 0x0e07, 0x0e08, 0x0e1a,
    0x0e2a, 0x0e56, 0x0e60, 0x0e8a, 0x0ea5, 0x0eaa, 0x0ec0, 0x0ecd, 0x0edb, 0x0ef0, 0x0f11, 0x0f21, 0x0f40, 0x0f42, 0x0f54, 0x0f98,
};
/* iq3s: grid entry -> 3-bit value codes (value j in bits 3j), values 0x1, 0x3, 0x5, 0x7, 0x9, 0xb, 0xd, 0xf */
static const uint16_t GK_ALIGN64 codes_iq3s[512] = {
    0x0000, 0x0001, 0x0002, 0x0005, 0x0007, 0x0008, 0x0009, 0x000a, 0x000c, 0x000e, 0x0010, 0x0011, 0x0015, 0x001b, 0x0020, 0x0022,
    0x0025, 0x0027, 0x0029, 0x002b, 0x0030, 0x0032, 0x0039, 0x003c, 0x003f, 0x0040, 0x0041, 0x0042, 0x0044, 0x0048, 0x0049, 0x004d,
    0x0050, 0x0053, 0x0057, 0x0059, 0x005d, 0x0064, 0x0071, 0x0075, 0x007a, 0x0080, 0x0081, 0x0085, 0x0087, 0x0088, 0x008b, 0x008e,
    0x0091, 0x0095, 0x0098, 0x009c, 0x00a2, 0x00a5, 0x00a7, 0x00a9, 0x00ab, 0x00b8, 0x00bb, 0x00c3, 0x00c9, 0x00cd, 0x00d0, 0x00d2,
    0x00d9, 0x00db, 0x00de, 0x00e4, 0x00e8, 0x00ea, 0x00f7, 0x00f9, 0x00fd, 0x0100, 0x010b, 0x010f, 0x0111, 0x0114, 0x011a, 0x0120,
    0x0123, 0x0129, 0x0138, 0x0142, 0x0144, 0x0150, 0x0152, 0x0156, 0x015b, 0x0161, 0x0165, 0x0167, 0x0176, 0x017b, 0x0186, 0x0189,
    0x018b, 0x0199, 0x01aa, 0x01b9, 0x01c0, 0x01c2, 0x01c4, 0x01d0, 0x01d2, 0x01d6, 0x01db, 0x01e8, 0x01ec, 0x0200, 0x0201, 0x0202,
    0x0204, 0x0208, 0x0209, 0x020b, 0x020d, 0x020f, 0x0210, 0x0212, 0x0219, 0x021c, 0x021e, 0x022c, 0x022e, 0x0231, 0x023a, 0x0240,
    0x0241, 0x0243, 0x0246, 0x0248, 0x024c, 0x0251, 0x0258, 0x025b, 0x0261, 0x0268, 0x026a, 0x0278, 0x027e, 0x0280, 0x028a, 0x028d,
    0x028f, 0x0290, 0x0294, 0x029a, 0x02a0, 0x02a3, 0x02ad, 0x02b0, 0x02ba, 0x02c1, 0x02c4, 0x02c7, 0x02c8, 0x02cb, 0x02d1, 0x02d7,
    0x02d8, 0x02dc, 0x02e1, 0x02f2, 0x02f8, 0x0303, 0x0305, 0x030a, 0x030c, 0x0319, 0x031b, 0x0322, 0x0326, 0x0328, 0x032c, 0x0341,
    0x0348, 0x034b, 0x0351, 0x0358, 0x035a, 0x0369, 0x0390, 0x0394, 0x0397, 0x03a4, 0x03a6, 0x03c1, 0x03c3, 0x03c8, 0x03ca, 0x03d1,
    0x03dd, 0x03e1, 0x03f2, 0x03f8, 0x0400, 0x0401, 0x0403, 0x0405, 0x0407, 0x0408, 0x040a, 0x040c, 0x040e, 0x0411, 0x0413, 0x0417,
    0x0418, 0x041a, 0x0421, 0x0423, 0x0425, 0x0428, 0x042a, 0x0437, 0x0438, 0x043b, 0x043d, 0x0440, 0x0442, 0x0448, 0x044b, 0x044f,
    0x0452, 0x0455, 0x0459, 0x045c, 0x0462, 0x0469, 0x0481, 0x0484, 0x0487, 0x0491, 0x0493, 0x0498, 0x049f, 0x04a1, 0x04ab, 0x04af,
    0x04b9, 0x04bc, 0x04c0, 0x04c2, 0x04c5, 0x04c9, 0x04d2, 0x04d4, 0x04d9, 0x04db, 0x04e2, 0x04e8, 0x04f6, 0x0501, 0x0507, 0x0510,
    0x0513, 0x051a, 0x051d, 0x0521, 0x053a, 0x053d, 0x0544, 0x0549, 0x0552, 0x055f, 0x0560, 0x056b, 0x0578, 0x0580, 0x0582, 0x0587,
    0x0591, 0x05ad, 0x05b1, 0x05c5, 0x05c9, 0x05d6, 0x05d8, 0x05e3, 0x05e8, 0x0602, 0x0609, 0x060b, 0x060d, 0x060f, 0x0612, 0x0619,
    0x061b, 0x061d, 0x0622, 0x0624, 0x0627, 0x0629, 0x0633, 0x0639, 0x0641, 0x0643, 0x0645, 0x064c, 0x0651, 0x0653, 0x0660, 0x0670,
    0x067a, 0x067e, 0x0680, 0x068a, 0x0690, 0x069a, 0x069c, 0x06a8, 0x06c1, 0x06c8, 0x06cc, 0x06d1, 0x06d3, 0x06d7, 0x06d8, 0x06e1,
    0x06e3, 0x06e7, 0x06ed, 0x06fb, 0x0703, 0x0709, 0x070e, 0x0712, 0x0719, 0x072a, 0x0730, 0x0734, 0x0741, 0x0748, 0x074a, 0x0755,
    0x075a, 0x0764, 0x076e, 0x077b, 0x078e, 0x07a1, 0x07c1, 0x07c3, 0x07d0, 0x07d2, 0x07dd, 0x0800, 0x0804, 0x080a, 0x0810, 0x0814,
    0x0817, 0x081a, 0x0821, 0x0828, 0x0838, 0x0842, 0x0847, 0x0849, 0x084b, 0x0852, 0x0858, 0x085d, 0x0863, 0x0869, 0x086d, 0x0881,
    0x0883, 0x0888, 0x088d, 0x0891, 0x089b, 0x08a0, 0x08af, 0x08b2, 0x08b8, 0x08c4, 0x08c9, 0x08cb, 0x08d0, 0x08d2, 0x08d9, 0x08dd,
    0x0900, 0x0902, 0x0914, 0x091f, 0x0920, 0x0939, 0x0945, 0x0947, 0x0951, 0x0972, 0x098b, 0x099c, 0x09b0, 0x09c8, 0x09cd, 0x09d8,
    0x09e3, 0x09e9, 0x0a02, 0x0a08, 0x0a0c, 0x0a12, 0x0a20, 0x0a24, 0x0a27, 0x0a2a, 0x0a36, 0x0a3c, 0x0a41, 0x0a43, 0x0a45, 0x0a4a,
    0x0a51, 0x0a5a, 0x0a7a, 0x0a80, 0x0a89, 0x0a93, 0x0a98, 0x0a9e, 0x0aab, 0x0ac2, 0x0ac7, 0x0ac8, 0x0ad7, 0x0ae4, 0x0ae9, 0x0af5,
    0x0afb, 0x0b01, 0x0b04, 0x0b10, 0x0b1a, 0x0b26, 0x0b4a, 0x0b56, 0x0b69, 0x0b6b, 0x0ba2, 0x0bc2, 0x0bc4, 0x0bd2, 0x0c09, 0x0c0b,
    0x0c0d, 0x0c19, 0x0c1b, 0x0c30, 0x0c40, 0x0c50, 0x0c57, 0x0c74, 0x0c8a, 0x0c9c, 0x0ca2, 0x0cad, 0x0cb2, 0x0cb8, 0x0cc0, 0x0ccc,
    0x0cd1, 0x0ce0, 0x0d15, 0x0d23, 0x0d32, 0x0d40, 0x0d43, 0x0d5c, 0x0d70, 0x0d85, 0x0da0, 0x0dc9, 0x0dcb, 0x0e00, 0x0e04, 0x0e07,
    0x0e10, 0x0e12, 0x0e1e, 0x0e20, 0x0e2c, 0x0e32, 0x0e42, 0x0e49, 0x0e54, 0x0e63, 0x0e65, 0x0e81, 0x0e84, 0x0e88, 0x0e8e, 0x0e91,
    0x0e98, 0x0ea9, 0x0ec2, 0x0eda, 0x0edd, 0x0eeb, 0x0f01, 0x0f05, 0x0f0b, 0x0f10, 0x0f28, 0x0f52, 0x0f62, 0x0f82, 0x0f99, 0x0fc0,
};

/* 64-entry byte table for vpermb: entry i is vals[i % nvals] (nvals 4 or 8), so junk bits above the
 * code in a multishift byte are harmless. */
static const int8_t GK_ALIGN64 vals_iq2[64] = {
    8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0,
    8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0, 8, 25, 43, 0,
};

static const int8_t GK_ALIGN64 vals_iq3xxs[64] = {
    4, 12, 20, 28, 36, 44, 52, 62, 4, 12, 20, 28, 36, 44, 52, 62, 4, 12, 20, 28, 36, 44, 52, 62, 4, 12, 20, 28, 36, 44, 52, 62,
    4, 12, 20, 28, 36, 44, 52, 62, 4, 12, 20, 28, 36, 44, 52, 62, 4, 12, 20, 28, 36, 44, 52, 62, 4, 12, 20, 28, 36, 44, 52, 62,
};

/* Scales are applied to packs(P0, P1) where P0 holds the 32-weight groups g0, g0+1 (8 lanes each) and
 * P1 groups g0+2, g0+3: 128-bit lane j of the pack has 4 words of group g0 + (j >= 2), then 4 of
 * group g0 + 2 + (j >= 2). Word indices into a vector whose qword g holds the scale of group g: */
static inline __m512i scales_for_pack(__m512i ls, int g0, int stride) {
    const short a = (short)(stride * g0), b = (short)(stride * (g0 + 1)), c = (short)(stride * (g0 + 2)),
                d = (short)(stride * (g0 + 3));
    const __m512i perm = _mm512_set_epi16(d, d, d, d, b, b, b, b, d, d, d, d, b, b, b, b,
                                          c, c, c, c, a, a, a, a, c, c, c, c, a, a, a, a);
    return _mm512_permutexvar_epi16(perm, ls);
}

/* The two 32-weight groups' products p[0..3] (4 chunks of 64 weights) times the group scales: word
 * stride * g of ls holds the scale of group g. */
static inline __m512i apply_scales(const __m512i p[4], __m512i ls, int stride) {
    __m512i sumi = _mm512_dpwssd_epi32(_mm512_setzero_si512(), _mm512_packs_epi32(p[0], p[1]), scales_for_pack(ls, 0, stride));
    return _mm512_dpwssd_epi32(sumi, _mm512_packs_epi32(p[2], p[3]), scales_for_pack(ls, 4, stride));
}

/* Multishift controls: byte j of every qword takes the bits at offset base + step * j. */
static inline __m512i shift_ctrl(int base, int step) {
    uint64_t c = 0;
    for (int j = 0; j < 8; ++j) c |= (uint64_t)((base + step * j) & 63) << (8 * j);
    return _mm512_set1_epi64((long long)c);
}

/* Eight 7-bit sign fields (b bits 0..55) to 64 sign bits: each field plus its parity bit (ksigns),
 * computed in scalar registers, which are otherwise idle while the vector units expand the grid. */
static inline uint64_t ksigns_x8(uint64_t b) {
    const uint64_t f = _pdep_u64(b, 0x7F7F7F7F7F7F7F7FULL);
    uint64_t t = f ^ (f >> 4);
    t ^= t >> 2;
    t ^= t >> 1;
    return f | ((t & 0x0101010101010101ULL) << 7);
}

/* The 64 sign bits of two 32-weight groups from their 32-bit words a0, a1 (4 x 7 sign bits + 4 scale bits). */
static inline uint64_t signs_2groups(uint32_t a0, uint32_t a1) {
    return ksigns_x8((a0 & 0x0FFFFFFFULL) | ((uint64_t)(a1 & 0x0FFFFFFF) << 28));
}

static inline uint32_t load32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* IQ3_XXS: the 256 codes split into low and high bytes, looked up 64 at a time with vpermi2b (as IQ3_S). */
static uint8_t GK_ALIGN64 iq3xxs_code_lo[256], iq3xxs_code_hi[256];
static pthread_once_t iq3xxs_code_once = PTHREAD_ONCE_INIT;
static void iq3xxs_code_init(void) {
    for (int k = 0; k < 256; ++k) { iq3xxs_code_lo[k] = (uint8_t)codes_iq3xxs[k]; iq3xxs_code_hi[k] = (uint8_t)(codes_iq3xxs[k] >> 8); }
}

/* bytes of the 256-entry table tab at the 8-bit indices idx (bit 7 also in k7) */
static inline __m512i lookup8_256(const uint8_t *tab, __m512i idx, __mmask64 k7) {
    const __m512i t0 = _mm512_permutex2var_epi8(_mm512_load_si512(tab), idx, _mm512_load_si512(tab + 64));
    const __m512i t1 = _mm512_permutex2var_epi8(_mm512_load_si512(tab + 128), idx, _mm512_load_si512(tab + 192));
    return _mm512_mask_blend_epi8(k7, t0, t1);
}

/* IQ2_XXS and IQ2_XS, two blocks per iteration: the 16-bit codes split into low and high bytes, so that
 * one vpermi2b looks up 64 entries (both blocks' 32) among 128 (vpermi2w: 32 among 64, and the blend masks
 * cost a vptestmw each, on the ports the multishifts and vpdpbusd need). Byte p of the entry vector
 * holds sub-group iq2_subgroup_of_byte(p) so that unpacklo / unpackhi of the looked-up low and high bytes
 * give the two blocks' code vectors, whose word 4q + c holds sub-group 8c + q (qword q: one sub-group of
 * each 64-weight chunk c). The tables are built once. */
static uint8_t GK_ALIGN64 iq2xxs_code_lo[256], iq2xxs_code_hi[256], iq2xxs_perm[64], iq2xxs_sign_perm[64];
static pthread_once_t iq2xxs_once = PTHREAD_ONCE_INIT;

/* sub-group (0-31) of byte p of the entry vector, plus 32 for the second block */
static inline int iq2_subgroup_of_byte(int p) {
    const int w = 8 * (p / 16) + p % 8;
    return 32 * ((p % 16) / 8) + 8 * (w % 4) + w / 4;
}

static void iq2xxs_init(void) {
    for (int k = 0; k < 256; ++k) { iq2xxs_code_lo[k] = (uint8_t)codes_iq2xxs[k]; iq2xxs_code_hi[k] = (uint8_t)(codes_iq2xxs[k] >> 8); }
    /* the grid index of sub-group s is byte 8 * (s / 4) + s % 4 of qs (the second block: + 64) */
    for (int p = 0; p < 64; ++p) {
        const int e = iq2_subgroup_of_byte(p), s = e % 32;
        iq2xxs_perm[p] = (uint8_t)(64 * (e / 32) + 8 * (s / 4) + s % 4);
    }
    /* qword k of the sign-field vector: the sign words (high halves of qs qwords 2 (k % 4) and
     * 2 (k % 4) + 1) of block k / 4, i.e. the fields of sub-groups 8 (k % 4) .. 8 (k % 4) + 7 */
    for (int p = 0; p < 64; ++p) {
        const int k = p / 8, t = p % 8;
        iq2xxs_sign_perm[p] = (uint8_t)(64 * (k / 4) + 8 * (2 * (k % 4) + t / 4) + 4 + t % 4);
    }
}

/* ksigns bytes (field + parity bit) of the 7-bit fields in the low bits of each byte of f (bit 7 is
 * ignored): one vpermi2b over the 128-byte table does 64 fields (the scalar equivalent took ~17
 * instructions per 8). */
static inline __m512i iq2_ksigns(__m512i f) {
    return _mm512_permutex2var_epi8(_mm512_loadu_si512(gk_ksigns_iq2xs), f, _mm512_loadu_si512(gk_ksigns_iq2xs + 64));
}

/* The 64 ksigns bytes of two IQ2_XXS blocks' sub-groups, in order (the second block's from byte 32),
 * from the sign-field vector (see iq2xxs_sign_perm): byte j of a qword takes the 7 bits at
 * 32 (j / 4) + 7 (j % 4). */
static inline __m512i iq2xxs_ksigns64(__m512i fields) {
    uint64_t c = 0;
    for (int j = 0; j < 8; ++j) c |= (uint64_t)(32 * (j / 4) + 7 * (j % 4)) << (8 * j);
    return iq2_ksigns(_mm512_multishift_epi64_epi8(_mm512_set1_epi64((long long)c), fields));
}

/* One IQ2_XXS block times its activations, given its code vector, sign masks and the pair's scale vector
 * (dword 8b + g: 2 s + 1 of group g of block b of the pair); added to acc. */
static inline __m512 iq2xxs_block(__m512 acc, __m512i codes, const volatile uint64_t *sg, __m512i ls, int b,
                                  const gk_block_iq2_xxs *x, const gk_block_q8_K *y) {
    const __m512i vals = _mm512_load_si512(vals_iq2), zero = _mm512_setzero_si512();
    __m512i p[4];
    for (int c = 0; c < 4; ++c) {
        const __m512i w = _mm512_permutexvar_epi8(_mm512_multishift_epi64_epi8(shift_ctrl(16 * c, 2), codes), vals);
        const __m512i q8 = _mm512_loadu_si512(y->qs + 64 * c);
        p[c] = _mm512_dpbusd_epi32(zero, w, _mm512_mask_sub_epi8(q8, _cvtu64_mask64(sg[c]), zero, q8));
    }
    __m512i sumi = _mm512_dpwssd_epi32(zero, _mm512_packs_epi32(p[0], p[1]), scales_for_pack(ls, 8 * b, 2));
    sumi = _mm512_dpwssd_epi32(sumi, _mm512_packs_epi32(p[2], p[3]), scales_for_pack(ls, 8 * b + 4, 2));
    const float d = gk_vd_half(x->d) * y->d;
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d), acc);
}

/* Looks up the code bytes, writes the 8 sign masks and makes the scale vector (see iq2xxs_block) of blocks
 * xa and xb (xb = xa: one block looked up twice). */
static inline void iq2xxs_lookup2(const gk_block_iq2_xxs *xa, const gk_block_iq2_xxs *xb, __m512i perm, __m512i sign_perm,
                                  __m512i *lo, __m512i *hi, volatile uint64_t *sg, __m512i *ls) {
    const __m512i qa = _mm512_loadu_si512(xa->qs), qb = _mm512_loadu_si512(xb->qs);
    const __m512i idx = _mm512_permutex2var_epi8(qa, perm, qb);
    const __mmask64 k7 = _mm512_movepi8_mask(idx);
    *lo = lookup8_256(iq2xxs_code_lo, idx, k7);
    *hi = lookup8_256(iq2xxs_code_hi, idx, k7);
    /* dword m of the sign words: group m % 8 of block m / 8, its scale in the top 4 bits */
    const __m512i fields = _mm512_permutex2var_epi8(qa, sign_perm, qb);
    _mm512_store_si512((void *)sg, iq2xxs_ksigns64(fields));
    *ls = _mm512_ternarylogic_epi32(_mm512_srli_epi32(fields, 27), _mm512_set1_epi32(0x1e), _mm512_set1_epi32(1), 0xea);
}

void gk_vecdot_iq2_xxs_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    pthread_once(&iq2xxs_once, iq2xxs_init);
    const gk_block_iq2_xxs *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m512i perm = _mm512_load_si512(iq2xxs_perm), sign_perm = _mm512_load_si512(iq2xxs_sign_perm);
    /* Sign masks of a pair's 8 chunks, double-buffered: they go through memory (a load per mask is cheaper
     * than the vector extracts the compiler would otherwise emit). The lookups of the next pair run
     * during the products of this one: the chain load -> lookup -> signs -> vpdpbusd is long enough
     * that one iteration alone leaves the vector ports idle (+19% measured). */
    volatile uint64_t GK_ALIGN64 sg[2][8];
    __m512 acc = _mm512_setzero_ps();
    if (nb == 0) {
        *s = 0;
        return;
    }
    __m512i lo, hi, ls;
    iq2xxs_lookup2(&x[0], &x[nb > 1 ? 1 : 0], perm, sign_perm, &lo, &hi, sg[0], &ls);
    int k = 0;
    for (int64_t i = 0; i < nb; i += 2, k ^= 1) {
        const int64_t j = i + 1 < nb ? i + 1 : i; /* an odd last block is looked up twice, counted once */
        __m512i lo_next = lo, hi_next = hi, ls_next = ls;
        if (i + 2 < nb)
            iq2xxs_lookup2(&x[i + 2], &x[i + 3 < nb ? i + 3 : i + 2], perm, sign_perm, &lo_next, &hi_next, sg[k ^ 1], &ls_next);
        acc = iq2xxs_block(acc, _mm512_unpacklo_epi8(lo, hi), sg[k], ls, 0, &x[i], &y[i]);
        if (j != i) acc = iq2xxs_block(acc, _mm512_unpackhi_epi8(lo, hi), sg[k] + 4, ls, 1, &x[j], &y[j]);
        lo = lo_next;
        hi = hi_next;
        ls = ls_next;
    }
    *s = 0.125f * _mm512_reduce_add_ps(acc);
}

/* Byte p of an entry vector holds grid entry e of 64 so that unpacklo / unpackhi of the looked-up low
 * and high code bytes give codes0 / codes1: word v = 4q + w of codes k holds entry
 * 16 * (2k + w / 2) + 2q + w % 2 (qword q of codes k: the entries of output qword q of chunks 2k, 2k + 1). */
static inline int iq3_entry_of_byte(int p) {
    const int j = p / 16, k = (p / 8) % 2, i = p % 8, v = 8 * j + i, q = v / 4, w = v % 4;
    return 16 * (2 * k + w / 2) + 2 * q + w % 2;
}

void gk_vecdot_iq3_xxs_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    pthread_once(&iq3xxs_code_once, iq3xxs_code_init);
    const gk_block_iq3_xxs *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    uint8_t perm[64];
    for (int p = 0; p < 64; ++p) perm[p] = (uint8_t)iq3_entry_of_byte(p);
    const __m512i pperm = _mm512_loadu_si512(perm);
    const __m512i vals = _mm512_load_si512(vals_iq3xxs);
    const __m512i zero = _mm512_setzero_si512();
    __m512i code_ctrl[2];
    for (int h = 0; h < 2; ++h) {
        uint64_t c = 0;
        for (int j = 0; j < 8; ++j) c |= (uint64_t)(16 * (2 * h + j / 4) + 3 * (j % 4)) << (8 * j);
        code_ctrl[h] = _mm512_set1_epi64((long long)c);
    }
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const uint8_t *gas = x[i].qs + GK_QK_K / 4;
        const __m512i idx = _mm512_permutexvar_epi8(pperm, _mm512_loadu_si512(x[i].qs));
        const __mmask64 k7 = _mm512_movepi8_mask(idx);
        const __m512i lo = lookup8_256(iq3xxs_code_lo, idx, k7), hi = lookup8_256(iq3xxs_code_hi, idx, k7);
        const __m512i codes0 = _mm512_unpacklo_epi8(lo, hi), codes1 = _mm512_unpackhi_epi8(lo, hi);
        __m512i p[4];
        for (int c = 0; c < 4; ++c) {
            const __m512i w = _mm512_permutexvar_epi8(_mm512_multishift_epi64_epi8(code_ctrl[c & 1], c < 2 ? codes0 : codes1), vals);
            const __m512i q8 = _mm512_loadu_si512(y[i].qs + 64 * c);
            const __m512i q8s = _mm512_mask_sub_epi8(q8, _cvtu64_mask64(signs_2groups(load32(gas + 8 * c), load32(gas + 8 * c + 4))), zero, q8);
            p[c] = _mm512_dpbusd_epi32(zero, w, q8s);
        }
        /* dword g: the scale of group g */
        const __m512i ls = _mm512_ternarylogic_epi32(_mm512_srli_epi32(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)gas)), 27),
                                                     _mm512_set1_epi32(0x1e), _mm512_set1_epi32(1), 0xea);
        const __m512i sumi = apply_scales(p, ls, 2);
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d), acc);
    }
    *s = 0.25f * _mm512_reduce_add_ps(acc);
}

/* Multishift control that spreads 4-bit scales (bits 4h..4h+3 of a broadcast qword, one per 16-weight
 * half-group h) over the words of packs(p[c0], p[c0 + 1]) (see scales_for_pack): the low byte of each
 * word gets the nibble of its half-group (junk above it is masked off later). */
static inline __m512i half_scale_ctrl(int h0) {
    uint8_t ctrl[64];
    for (int m = 0; m < 8; ++m) {
        const int h = h0 + (m % 2) * 4 + m / 2;
        for (int b = 0; b < 8; ++b) ctrl[8 * m + b] = (uint8_t)(4 * h);
    }
    return _mm512_loadu_si512(ctrl);
}

/* 2 * nibble + 1 from the low 4 bits of each word. */
static inline __m512i odd_scale16(__m512i v) {
    return _mm512_ternarylogic_epi32(_mm512_slli_epi16(v, 1), _mm512_set1_epi16(0x1e), _mm512_set1_epi16(1), 0xea);
}


static const int8_t GK_ALIGN64 vals_iq3s[64] = {
    1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15,
    1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15,
};

/* Like half_scale_ctrl, for one 4-bit scale per 32-weight group (nibble g at bits 4g). */
static inline __m512i group_scale_ctrl(int g0) {
    uint8_t ctrl[64];
    for (int m = 0; m < 8; ++m) {
        const int g = g0 + 2 * (m % 2) + (m >= 4);
        for (int b = 0; b < 8; ++b) ctrl[8 * m + b] = (uint8_t)(4 * g);
    }
    return _mm512_loadu_si512(ctrl);
}

/* IQ3_S: the 512 codes split into low and high bytes, so that one vpermi2b looks up 64 entries among 128
 * (vpermi2w: 32 among 64): 8 vpermi2b and 6 blends give the codes of all 64 entries of a block. Built once. */
static uint8_t GK_ALIGN64 iq3s_code_lo[512], iq3s_code_hi[512];
static pthread_once_t iq3s_code_once = PTHREAD_ONCE_INIT;
static void iq3s_code_init(void) {
    for (int k = 0; k < 512; ++k) { iq3s_code_lo[k] = (uint8_t)codes_iq3s[k]; iq3s_code_hi[k] = (uint8_t)(codes_iq3s[k] >> 8); }
}
/* bytes of the 512-entry table tab at the 9-bit indices (bits 0-6 in idx bytes, bit 7 in k7, bit 8 in k8) */
static inline __m512i lookup8_512(const uint8_t *tab, __m512i idx, __mmask64 k7, __mmask64 k8) {
    const __m512i t0 = _mm512_permutex2var_epi8(_mm512_load_si512(tab), idx, _mm512_load_si512(tab + 64));
    const __m512i t1 = _mm512_permutex2var_epi8(_mm512_load_si512(tab + 128), idx, _mm512_load_si512(tab + 192));
    const __m512i t2 = _mm512_permutex2var_epi8(_mm512_load_si512(tab + 256), idx, _mm512_load_si512(tab + 320));
    const __m512i t3 = _mm512_permutex2var_epi8(_mm512_load_si512(tab + 384), idx, _mm512_load_si512(tab + 448));
    return _mm512_mask_blend_epi8(k8, _mm512_mask_blend_epi8(k7, t0, t1), _mm512_mask_blend_epi8(k7, t2, t3));
}
void gk_vecdot_iq3_s_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    pthread_once(&iq3s_code_once, iq3s_code_init);
    const gk_block_iq3_s *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    /* byte p of the entry vector: grid entry e = iq3_entry_of_byte(p) (as IQ3_XXS), whose index bit 8 is
     * bit e % 8 of qh[e / 8] */
    uint8_t perm[64], qh_perm[64], qh_bit[64];
    for (int p = 0; p < 64; ++p) {
        const int e = iq3_entry_of_byte(p);
        perm[p] = (uint8_t)e;
        qh_perm[p] = (uint8_t)(e / 8);
        qh_bit[p] = (uint8_t)(1u << (e % 8));
    }
    const __m512i pperm = _mm512_loadu_si512(perm), pqh = _mm512_loadu_si512(qh_perm), bits = _mm512_loadu_si512(qh_bit);
    const __m512i vals = _mm512_load_si512(vals_iq3s);
    const __m512i zero = _mm512_setzero_si512();
    const __m512i sc_ctrl_a = group_scale_ctrl(0), sc_ctrl_b = group_scale_ctrl(4);
    __m512i code_ctrl[2];
    for (int h = 0; h < 2; ++h) {
        uint64_t c = 0;
        for (int j = 0; j < 8; ++j) c |= (uint64_t)(16 * (2 * h + j / 4) + 3 * (j % 4)) << (8 * j);
        code_ctrl[h] = _mm512_set1_epi64((long long)c);
    }
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const __m512i idx = _mm512_permutexvar_epi8(pperm, _mm512_loadu_si512(x[i].qs));
        const __mmask64 k7 = _mm512_movepi8_mask(idx);
        const __mmask64 k8 = _mm512_test_epi8_mask(_mm512_permutexvar_epi8(pqh, _mm512_castsi128_si512(_mm_loadl_epi64((const __m128i *)x[i].qh))), bits);
        const __m512i lo = lookup8_512(iq3s_code_lo, idx, k7, k8), hi = lookup8_512(iq3s_code_hi, idx, k7, k8);
        const __m512i codes0 = _mm512_unpacklo_epi8(lo, hi), codes1 = _mm512_unpackhi_epi8(lo, hi);
        __m512i p[4];
        for (int c = 0; c < 4; ++c) {
            const __m512i w = _mm512_permutexvar_epi8(_mm512_multishift_epi64_epi8(code_ctrl[c & 1], c < 2 ? codes0 : codes1), vals);
            const __m512i q8 = _mm512_loadu_si512(y[i].qs + 64 * c);
            uint64_t sg;
            memcpy(&sg, x[i].signs + 8 * c, 8);
            const __m512i q8s = _mm512_mask_sub_epi8(q8, _cvtu64_mask64(sg), zero, q8);
            p[c] = _mm512_dpbusd_epi32(zero, w, q8s);
        }
        uint32_t sc32;
        memcpy(&sc32, x[i].scales, 4);
        const __m512i scb = _mm512_set1_epi64((long long)sc32);
        const __m512i ls_a = odd_scale16(_mm512_multishift_epi64_epi8(sc_ctrl_a, scb));
        const __m512i ls_b = odd_scale16(_mm512_multishift_epi64_epi8(sc_ctrl_b, scb));
        __m512i sumi = _mm512_dpwssd_epi32(zero, _mm512_packs_epi32(p[0], p[1]), ls_a);
        sumi = _mm512_dpwssd_epi32(sumi, _mm512_packs_epi32(p[2], p[3]), ls_b);
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d), acc);
    }
    *s = _mm512_reduce_add_ps(acc);
}

/* IQ2_XS: as IQ2_XXS (two blocks per iteration, 64 entries per vpermi2b on the low and high code bytes,
 * the next pair looked up during this one), with 9-bit indices: bit 7 and bit 8 select among the 4
 * quarters of the 512-entry tables. Built once.
 * Where the time goes (m = 1 in L3, measured by leaving parts out): the 512-entry lookups ~16% more than
 * 256 entries would cost, the sign masks ~9% (loads into k registers) + ~7% (masked subtractions), the
 * scales ~10%. Measured and not kept (no gain or slower): both blocks' scales by vpermb from one byte
 * vector (or pdep in scalar registers), vgf2p8affineqb instead of the vpermb value lookup, sign bytes
 * by vgf2p8affineqb + xor/sub instead of k masks, masks by vpshufbitqmb from a transposed ksigns vector,
 * signs stored two pairs ahead, both blocks' d at once, d broadcast from memory, software prefetch,
 * the next pair's lookups placed between the two blocks, ksigns by one vgf2p8affineqb (the parity is
 * linear over GF(2)) instead of srli + vpermi2b, indices in sub-group order (one vpermi2b fewer) with
 * the code vectors built by vpermi2b instead of unpacklo/hi (3% slower). */
static uint8_t GK_ALIGN64 iq2xs_code_lo[512], iq2xs_code_hi[512], iq2xs_perm[64], iq2xs_sign_perm[64], iq2xs_sc_ctrl[2][64];
static pthread_once_t iq2xs_once = PTHREAD_ONCE_INIT;
static void iq2xs_init(void) {
    for (int k = 0; k < 512; ++k) { iq2xs_code_lo[k] = (uint8_t)codes_iq2xs[k]; iq2xs_code_hi[k] = (uint8_t)(codes_iq2xs[k] >> 8); }
    /* the index of sub-group s is qs word s: its low byte (index bits 0-7) is qs byte 2s, bit 8 is bit 0
     * of byte 2s + 1, and the 7-bit sign field bits 1-7 of byte 2s + 1 */
    for (int p = 0; p < 64; ++p) {
        const int e = iq2_subgroup_of_byte(p);
        iq2xs_perm[p] = (uint8_t)(64 * (e / 32) + 2 * (e % 32));
        iq2xs_sign_perm[p] = (uint8_t)(64 * (p / 32) + 2 * (p % 32) + 1);
    }
    /* as half_scale_ctrl, one bit lower (bit 63 wraps around for the first nibble): the low byte of
     * each word gets 2 * nibble plus junk in bits 0 and 5-7, so no shift is needed (iq2xs_odd_scale) */
    for (int h = 0; h < 2; ++h)
        for (int m = 0; m < 8; ++m)
            for (int b = 0; b < 8; ++b) iq2xs_sc_ctrl[h][8 * m + b] = (uint8_t)((4 * (8 * h + (m % 2) * 4 + m / 2) + 63) & 63);
}

/* 2 * nibble + 1 from bits 1-4 of each word. */
static inline __m512i iq2xs_odd_scale(__m512i v) {
    return _mm512_ternarylogic_epi32(v, _mm512_set1_epi16(0x1e), _mm512_set1_epi16(1), 0xea);
}

/* Looks up the code bytes and writes the 8 sign masks of blocks xa and xb (xb = xa: one block looked up twice). */
static inline void iq2xs_lookup2(const gk_block_iq2_xs *xa, const gk_block_iq2_xs *xb, __m512i perm, __m512i sign_perm,
                                 __m512i *lo, __m512i *hi, volatile uint64_t *sg) {
    const __m512i qa = _mm512_loadu_si512(xa->qs), qb = _mm512_loadu_si512(xb->qs);
    const __m512i idx = _mm512_permutex2var_epi8(qa, perm, qb);
    const __m512i idx_hi = _mm512_permutex2var_epi8(qa, _mm512_add_epi8(perm, _mm512_set1_epi8(1)), qb);
    const __mmask64 k7 = _mm512_movepi8_mask(idx), k8 = _mm512_test_epi8_mask(idx_hi, _mm512_set1_epi8(1));
    *lo = lookup8_512(iq2xs_code_lo, idx, k7, k8);
    *hi = lookup8_512(iq2xs_code_hi, idx, k7, k8);
    /* the high bytes in sub-group order, shifted right by one: the sign field in bits 0-6 */
    _mm512_store_si512((void *)sg, iq2_ksigns(_mm512_srli_epi16(_mm512_permutex2var_epi8(qa, sign_perm, qb), 1)));
}

/* One IQ2_XS block times its activations, given its code vector and sign masks; added to acc. */
static inline __m512 iq2xs_block(__m512 acc, __m512i codes, const volatile uint64_t *sg, const gk_block_iq2_xs *x,
                                 const gk_block_q8_K *y) {
    const __m512i vals = _mm512_load_si512(vals_iq2), zero = _mm512_setzero_si512();
    __m512i p[4];
    for (int c = 0; c < 4; ++c) {
        const __m512i w = _mm512_permutexvar_epi8(_mm512_multishift_epi64_epi8(shift_ctrl(16 * c, 2), codes), vals);
        const __m512i q8 = _mm512_loadu_si512(y->qs + 64 * c);
        p[c] = _mm512_dpbusd_epi32(zero, w, _mm512_mask_sub_epi8(q8, _load_mask64((__mmask64 *)&sg[c]), zero, q8));
    }
    uint64_t sc64;
    memcpy(&sc64, x->scales, 8);
    const __m512i scb = _mm512_set1_epi64((long long)sc64);
    const __m512i ls_a = iq2xs_odd_scale(_mm512_multishift_epi64_epi8(_mm512_load_si512(iq2xs_sc_ctrl[0]), scb));
    const __m512i ls_b = iq2xs_odd_scale(_mm512_multishift_epi64_epi8(_mm512_load_si512(iq2xs_sc_ctrl[1]), scb));
    __m512i sumi = _mm512_dpwssd_epi32(zero, _mm512_packs_epi32(p[0], p[1]), ls_a);
    sumi = _mm512_dpwssd_epi32(sumi, _mm512_packs_epi32(p[2], p[3]), ls_b);
    const float d = gk_vd_half(x->d) * y->d;
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d), acc);
}

void gk_vecdot_iq2_xs_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    pthread_once(&iq2xs_once, iq2xs_init);
    const gk_block_iq2_xs *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m512i perm = _mm512_load_si512(iq2xs_perm), sign_perm = _mm512_load_si512(iq2xs_sign_perm);
    volatile uint64_t GK_ALIGN64 sg[2][8]; /* double-buffered sign masks, as for IQ2_XXS */
    __m512 acc = _mm512_setzero_ps();
    if (nb == 0) {
        *s = 0;
        return;
    }
    __m512i lo, hi;
    iq2xs_lookup2(&x[0], &x[nb > 1 ? 1 : 0], perm, sign_perm, &lo, &hi, sg[0]);
    int k = 0;
    for (int64_t i = 0; i < nb; i += 2, k ^= 1) {
        const int64_t j = i + 1 < nb ? i + 1 : i; /* an odd last block is looked up twice, counted once */
        __m512i lo_next = lo, hi_next = hi;
        if (i + 2 < nb)
            iq2xs_lookup2(&x[i + 2], &x[i + 3 < nb ? i + 3 : i + 2], perm, sign_perm, &lo_next, &hi_next, sg[k ^ 1]);
        acc = iq2xs_block(acc, _mm512_unpacklo_epi8(lo, hi), sg[k], &x[i], &y[i]);
        if (j != i) acc = iq2xs_block(acc, _mm512_unpackhi_epi8(lo, hi), sg[k] + 4, &x[j], &y[j]);
        lo = lo_next;
        hi = hi_next;
    }
    *s = 0.125f * _mm512_reduce_add_ps(acc);
}

/* IQ2_S: the 1024-entry grid takes 16 vpermi2w per 32 codes, more than loading the entries: the indices
 * are built with pdep in scalar registers and the entries loaded into vectors (as for IQ1_S/IQ1_M).
 * Measured and not kept: the IQ2_XS scheme on 1024-byte code tables (two blocks per iteration, 16 vpermi2b
 * and 14 blends per pair, lookahead) was only 2% faster; vpgatherqq, entries by vpbroadcastq + blends,
 * indices through memory, and lookahead of the entries (scalar registers spill) were slower. */
void gk_vecdot_iq2_s_q8_K_avx512_vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const gk_block_iq2_s *x = vx;
    const gk_block_q8_K *y = vy;
    const int64_t nb = n / GK_QK_K;
    const __m512i zero = _mm512_setzero_si512();
    const __m512i sc_ctrl_a = half_scale_ctrl(0), sc_ctrl_b = half_scale_ctrl(8);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const uint8_t *signs = x[i].qs + GK_QK_K / 8;
        __m512i p[4];
        for (int c = 0; c < 4; ++c) {
            uint32_t q0, q1;
            memcpy(&q0, x[i].qs + 8 * c, 4);
            memcpy(&q1, x[i].qs + 8 * c + 4, 4);
            /* index of entry l of group g: qs[4g + l] | ((qh[g] >> 2l) & 3) << 8 */
            const uint64_t a = _pdep_u64(q0, 0x00ff00ff00ff00ffULL) | _pdep_u64(x[i].qh[2 * c], 0x0300030003000300ULL);
            const uint64_t b = _pdep_u64(q1, 0x00ff00ff00ff00ffULL) | _pdep_u64(x[i].qh[2 * c + 1], 0x0300030003000300ULL);
            const __m512i w = _mm512_set_epi64((long long)gk_iq2s_grid[b >> 48], (long long)gk_iq2s_grid[(b >> 32) & 0xffff],
                                               (long long)gk_iq2s_grid[(b >> 16) & 0xffff], (long long)gk_iq2s_grid[b & 0xffff],
                                               (long long)gk_iq2s_grid[a >> 48], (long long)gk_iq2s_grid[(a >> 32) & 0xffff],
                                               (long long)gk_iq2s_grid[(a >> 16) & 0xffff], (long long)gk_iq2s_grid[a & 0xffff]);
            const __m512i q8 = _mm512_loadu_si512(y[i].qs + 64 * c);
            uint64_t sg;
            memcpy(&sg, signs + 8 * c, 8);
            p[c] = _mm512_dpbusd_epi32(zero, w, _mm512_mask_sub_epi8(q8, _cvtu64_mask64(sg), zero, q8));
        }
        uint64_t sc64;
        memcpy(&sc64, x[i].scales, 8);
        const __m512i scb = _mm512_set1_epi64((long long)sc64);
        __m512i sumi = _mm512_dpwssd_epi32(zero, _mm512_packs_epi32(p[0], p[1]), odd_scale16(_mm512_multishift_epi64_epi8(sc_ctrl_a, scb)));
        sumi = _mm512_dpwssd_epi32(sumi, _mm512_packs_epi32(p[2], p[3]), odd_scale16(_mm512_multishift_epi64_epi8(sc_ctrl_b, scb)));
        const float d = gk_vd_half(x[i].d) * y[i].d;
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(d), acc);
    }
    *s = 0.125f * _mm512_reduce_add_ps(acc);
}

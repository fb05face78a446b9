/* SPDX-License-Identifier: MIT */
/*
 * cmd/offload/ethnl.c: the tunnel-info reply parser on a well-formed reply
 * and on one malformed fixture per error branch.  The parser is compiled
 * into this file (the unit runner does not link cmd/).
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include "../../cmd/offload/ethnl.c"

Suite *ethnl_suite(void);

struct fx {
	uint8_t b[4096];
	size_t n;
	size_t open[8];
	int depth;
};

static void put(struct fx *f, uint16_t type, const void *v, size_t size)
{
	uint16_t len = (uint16_t)(NLA_HDR + size);

	memcpy(f->b + f->n, &len, 2);
	memcpy(f->b + f->n + 2, &type, 2);
	if (size)
		memcpy(f->b + f->n + 4, v, size);
	f->n += NLA_HDR + size;
	while (f->n % 4)
		f->b[f->n++] = 0;
}

static void put32(struct fx *f, uint16_t type, uint32_t v) { put(f, type, &v, 4); }

static void port(struct fx *f, uint16_t p)
{
	uint8_t be[2] = { (uint8_t)(p >> 8), (uint8_t)p };

	put(f, ETHTOOL_A_TUNNEL_UDP_ENTRY_PORT, be, 2);
}

static void nest(struct fx *f, uint16_t type)
{
	f->open[f->depth++] = f->n;
	put(f, type | 0x8000, NULL, 0);
}

static void end(struct fx *f)
{
	size_t at = f->open[--f->depth];
	uint16_t len = (uint16_t)(f->n - at);

	memcpy(f->b + at, &len, 2);
}

/* A reply opened down to one table of the given size. */
static void table_open(struct fx *f, uint32_t size)
{
	memset(f, 0, sizeof(*f));
	nest(f, ETHTOOL_A_TUNNEL_INFO_UDP_PORTS);
	nest(f, ETHTOOL_A_TUNNEL_UDP_TABLE);
	put32(f, ETHTOOL_A_TUNNEL_UDP_TABLE_SIZE, size);
}

static void end_all(struct fx *f)
{
	while (f->depth)
		end(f);
}

/* A table of size 4 (vxlan, geneve) holding 6081/geneve; entry fields by flag. */
static void reply(struct fx *f, bool with_port, bool with_type, bool with_size)
{
	memset(f, 0, sizeof(*f));
	nest(f, ETHTOOL_A_TUNNEL_INFO_HEADER);
	put32(f, ETHTOOL_A_HEADER_DEV_INDEX, 2);
	end(f);
	nest(f, ETHTOOL_A_TUNNEL_INFO_UDP_PORTS);
	nest(f, ETHTOOL_A_TUNNEL_UDP_TABLE);
	if (with_size)
		put32(f, ETHTOOL_A_TUNNEL_UDP_TABLE_SIZE, 4);
	nest(f, ETHTOOL_A_TUNNEL_UDP_TABLE_TYPES);
	put(f, ETHTOOL_A_BITSET_NOMASK, NULL, 0);
	put32(f, ETHTOOL_A_BITSET_SIZE, 3);
	put32(f, ETHTOOL_A_BITSET_VALUE, 3);
	end(f);
	nest(f, ETHTOOL_A_TUNNEL_UDP_TABLE_ENTRY);
	if (with_port)
		port(f, 6081);
	if (with_type)
		put32(f, ETHTOOL_A_TUNNEL_UDP_ENTRY_TYPE, ETHTOOL_UDP_TUNNEL_TYPE_GENEVE);
	end(f);
	end(f);
	end(f);
}

static const char *parse_err(const struct fx *f)
{
	static struct ethnl_tunnels t;
	const char *why = NULL;

	ck_assert_int_eq(ethnl_tunnels_parse(f->b, f->n, &t, &why), -EBADMSG);
	ck_assert_ptr_nonnull(why);
	return why;
}

START_TEST(good_reply)
{
	struct ethnl_tunnels t;
	const char *why;
	struct fx f;

	reply(&f, true, true, true);
	ck_assert_int_eq(ethnl_tunnels_parse(f.b, f.n, &t, &why), 0);
	ck_assert_uint_eq(t.table_len, 1);
	ck_assert_uint_eq(t.table[0].size, 4);
	ck_assert_uint_eq(t.table[0].types, 3);
	ck_assert_uint_eq(t.table[0].entry_len, 1);
	ck_assert_uint_eq(t.table[0].entry[0].port, 6081);
	ck_assert_str_eq(ethnl_tunnel_type_name(t.table[0].entry[0].type), "geneve");
	ck_assert_ptr_null(ethnl_tunnel_type_name(9));
	/* the last attribute may come without its padding */
	put(&f, 99, "x", 1);
	f.n -= 3;
	ck_assert_int_eq(ethnl_tunnels_parse(f.b, f.n, &t, &why), 0);
}
END_TEST

START_TEST(verbose_bitset)
{
	struct ethnl_tunnels t;
	const char *why;
	struct fx f;

	table_open(&f, 2);
	nest(&f, ETHTOOL_A_TUNNEL_UDP_TABLE_TYPES);
	nest(&f, ETHTOOL_A_BITSET_BITS);
	nest(&f, ETHTOOL_A_BITSET_BITS_BIT);
	put32(&f, ETHTOOL_A_BITSET_BIT_INDEX, 1);
	end_all(&f);
	ck_assert_int_eq(ethnl_tunnels_parse(f.b, f.n, &t, &why), 0);
	ck_assert_uint_eq(t.table[0].types, 2);
	/* a bit without an index */
	table_open(&f, 2);
	nest(&f, ETHTOOL_A_TUNNEL_UDP_TABLE_TYPES);
	nest(&f, ETHTOOL_A_BITSET_BITS);
	nest(&f, ETHTOOL_A_BITSET_BITS_BIT);
	put(&f, ETHTOOL_A_BITSET_BIT_INDEX, "x", 1);
	end_all(&f);
	ck_assert_str_eq(parse_err(&f), "bit index not a u32");
}
END_TEST

START_TEST(malformed)
{
	struct fx f;
	uint16_t len;

	reply(&f, true, false, true);
	ck_assert_str_eq(parse_err(&f), "entry without a type");
	reply(&f, false, true, true);
	ck_assert_str_eq(parse_err(&f), "entry without a port");
	reply(&f, true, true, false);
	ck_assert_str_eq(parse_err(&f), "table without a size");
	reply(&f, true, true, true);
	f.n -= 2;
	ck_assert_str_eq(parse_err(&f), "attribute longer than its container");
	reply(&f, true, true, true);
	f.b[f.n++] = 1;
	ck_assert_str_eq(parse_err(&f), "attribute header truncated");
	reply(&f, true, true, true);
	len = 2;
	memcpy(f.b, &len, 2);
	ck_assert_str_eq(parse_err(&f), "attribute length shorter than its header");
	memset(&f, 0, sizeof(f));
	put32(&f, ETHTOOL_A_TUNNEL_INFO_HEADER, 0);
	ck_assert_str_eq(parse_err(&f), "no UDP ports attribute");
	memset(&f, 0, sizeof(f));
	nest(&f, ETHTOOL_A_TUNNEL_INFO_UDP_PORTS);
	end(&f);
	nest(&f, ETHTOOL_A_TUNNEL_INFO_UDP_PORTS);
	end(&f);
	ck_assert_str_eq(parse_err(&f), "UDP ports given twice");
	/* wrong sizes */
	memset(&f, 0, sizeof(f));
	nest(&f, ETHTOOL_A_TUNNEL_INFO_UDP_PORTS);
	nest(&f, ETHTOOL_A_TUNNEL_UDP_TABLE);
	put(&f, ETHTOOL_A_TUNNEL_UDP_TABLE_SIZE, "ab", 2);
	end(&f);
	end(&f);
	ck_assert_str_eq(parse_err(&f), "table size not a u32");
	table_open(&f, 1);
	nest(&f, ETHTOOL_A_TUNNEL_UDP_TABLE_TYPES);
	put(&f, ETHTOOL_A_BITSET_VALUE, "abc", 3);
	end_all(&f);
	ck_assert_str_eq(parse_err(&f), "bitset value not a whole number of 32-bit words");
	table_open(&f, 0);
	nest(&f, ETHTOOL_A_TUNNEL_UDP_TABLE_ENTRY);
	put32(&f, ETHTOOL_A_TUNNEL_UDP_ENTRY_PORT, 6081);
	end_all(&f);
	ck_assert_str_eq(parse_err(&f), "entry port not a be16");
	table_open(&f, 0);
	nest(&f, ETHTOOL_A_TUNNEL_UDP_TABLE_ENTRY);
	port(&f, 6081);
	put(&f, ETHTOOL_A_TUNNEL_UDP_ENTRY_TYPE, "a", 1);
	end_all(&f);
	ck_assert_str_eq(parse_err(&f), "entry type not a u32");
	table_open(&f, 0);
	nest(&f, ETHTOOL_A_TUNNEL_UDP_TABLE_ENTRY);
	port(&f, 6081);
	put32(&f, ETHTOOL_A_TUNNEL_UDP_ENTRY_TYPE, 1);
	end_all(&f);
	ck_assert_str_eq(parse_err(&f), "table holds more entries than its size");
	memset(&f, 0, sizeof(f));
	nest(&f, ETHTOOL_A_TUNNEL_INFO_UDP_PORTS);
	for (int i = 0; i <= ETHNL_TABLES_MAX; i++) {
		nest(&f, ETHTOOL_A_TUNNEL_UDP_TABLE);
		put32(&f, ETHTOOL_A_TUNNEL_UDP_TABLE_SIZE, 0);
		end(&f);
	}
	end(&f);
	ck_assert_str_eq(parse_err(&f), "too many tables");
	memset(&f, 0, sizeof(f));
	nest(&f, ETHTOOL_A_TUNNEL_INFO_UDP_PORTS);
	nest(&f, ETHTOOL_A_TUNNEL_UDP_TABLE);
	put32(&f, ETHTOOL_A_TUNNEL_UDP_TABLE_SIZE, 1000);
	for (int i = 0; i <= ETHNL_ENTRIES_MAX; i++) {
		nest(&f, ETHTOOL_A_TUNNEL_UDP_TABLE_ENTRY);
		port(&f, (uint16_t)i);
		put32(&f, ETHTOOL_A_TUNNEL_UDP_ENTRY_TYPE, 0);
		end(&f);
	}
	end(&f);
	end(&f);
	ck_assert_str_eq(parse_err(&f), "too many entries in a table");
}
END_TEST

Suite *ethnl_suite(void)
{
	Suite *s = suite_create("ethnl");
	TCase *tc = tcase_create("tunnels");

	tcase_add_test(tc, good_reply);
	tcase_add_test(tc, verbose_bitset);
	tcase_add_test(tc, malformed);
	suite_add_tcase(s, tc);
	return s;
}

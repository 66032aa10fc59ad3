#!/usr/bin/env python3
"""Prints `<jwt> <session path>` for one new SDK session on a running server (for bench/all.sh).

Usage: sdk_session.py HTTP_URL WS_URL
"""
import asyncio
import sys

from chatbench import Client


async def main(http, ws):
    client = Client(http.rstrip("/"), ws.rstrip("/"))
    try:
        access = await client.access_token()
        jwt = await client.mint(access, "bench-session-get")
        sid = await client.start_session(jwt)
        print(jwt, f"{client.base}/sessions/{sid}")
    finally:
        await client.close()


asyncio.run(main(sys.argv[1], sys.argv[2]))

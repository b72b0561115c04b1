"""What more than one test file uses: page-driving, app servers, design strategies, mesh judging."""

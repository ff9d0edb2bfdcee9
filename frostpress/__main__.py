from frostpress.cli import main

main()

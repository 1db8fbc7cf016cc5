from pos_client.cli import main

main()
